package scan

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProgress(t *testing.T) {
	var done atomic.Int64
	done.Store(50)
	var w lockedBuffer
	// A scan that started a second ago is drawn at the first tick.
	stop := startProgress(&w, time.Now().Add(-time.Second), 200, &done)
	for i := 0; i < 100 && !strings.Contains(w.String(), "50/200"); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	out := w.String()
	if !strings.Contains(out, "scan [#######.......................]  25% 50/200 probes") {
		t.Errorf("progress output %q", out)
	}
	if !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("the bar is not erased at the end: %q", out)
	}
	// No writer, no goroutine, nothing drawn.
	startProgress(nil, time.Now(), 1, &done)()
}
