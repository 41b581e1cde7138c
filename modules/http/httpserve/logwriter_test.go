package httpserve

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingWriter records each Write call.
type countingWriter struct {
	mu     sync.Mutex
	writes []string
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, string(p))
	return len(p), nil
}

func (c *countingWriter) get() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.writes...)
}

// TestLogWriter: an entry after a quiet log is written at once, in the
// caller's Write; a burst is gathered into fewer writes, in order and
// whole, within the window; close writes what waits.
func TestLogWriter(t *testing.T) {
	cases := []struct {
		name    string
		entries int
		gap     time.Duration
		close   bool
	}{
		{"single", 1, 0, false},
		{"spaced", 3, 3 * logWindow, false},
		{"burst", 2000, 0, false},
		{"burst then close", 500, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cw := &countingWriter{}
			l := newLogWriter(cw)
			var want strings.Builder
			for i := 0; i < c.entries; i++ {
				e := fmt.Sprintf("127.0.0.1 - - [D] \"GET /%d HTTP/1.1\" 200 -\n", i)
				want.WriteString(e)
				buf := []byte(e)
				l.Write(buf)
				copy(buf, strings.Repeat("X", len(buf))) // the writer keeps no reference
				if c.gap > 0 {
					if got := len(cw.get()); got != i+1 {
						t.Fatalf("entry %d after a quiet log: %d writes, want it written at once", i, got)
					}
					time.Sleep(c.gap)
				}
			}
			if c.close {
				l.close()
			} else {
				time.Sleep(4 * logWindow)
			}
			writes := cw.get()
			if got := strings.Join(writes, ""); got != want.String() {
				t.Fatalf("log differs:\n%.500s\nwant:\n%.500s", got, want.String())
			}
			if c.entries > 100 && len(writes) > c.entries/10 {
				t.Errorf("%d entries in a burst took %d writes", c.entries, len(writes))
			}
			for _, w := range writes {
				if !strings.HasSuffix(w, "\n") {
					t.Errorf("a write ends inside an entry: %q", w)
				}
			}
		})
	}
}
