package repl

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chzyer/readline"
	"github.com/creack/pty"
	"github.com/netstar/netstar/repl/interp"
	"golang.org/x/term"
)

// ptyLoop is the REPL loop running in this process on a real
// pseudo-terminal: the loop has the pty's terminal end, the test types
// into the other end and reads what the loop draws.
type ptyLoop struct {
	t      testing.TB
	master *os.File
	mu     sync.Mutex
	cond   *sync.Cond
	out    bytes.Buffer // drawn and not yet consumed by expect
	// consumed counts the bytes expect has consumed.
	consumed int
	done     chan int
}

const ptyWidth = 80

func startPtyLoop(t testing.TB) *ptyLoop {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal (pty.Open: %v)", err)
	}
	if err := pty.Setsize(master, &pty.Winsize{Rows: 40, Cols: ptyWidth}); err != nil {
		t.Fatalf("pty.Setsize: %v", err)
	}
	pl := &ptyLoop{t: t, master: master, done: make(chan int, 1)}
	pl.cond = sync.NewCond(&pl.mu)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		buf := make([]byte, 1<<16)
		for {
			n, err := master.Read(buf)
			pl.mu.Lock()
			pl.out.Write(buf[:n])
			pl.cond.Broadcast()
			pl.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	s := interp.New(interp.Config{Stdout: tty, Stderr: tty})
	fd := int(tty.Fd())
	var saved *term.State
	editor := func(c *readline.Config) {
		c.FuncIsTerminal = func() bool { return true }
		c.FuncMakeRaw = func() (err error) { saved, err = term.MakeRaw(fd); return err }
		c.FuncExitRaw = func() error {
			if saved != nil {
				return term.Restore(fd, saved)
			}
			return nil
		}
		c.FuncGetWidth = func() int { return ptyWidth }
		c.FuncOnWidthChanged = func(func()) {}
	}
	go func() {
		pl.done <- run(Config{Session: s, HistoryFile: "-", Stdout: tty, Stderr: tty}, tty, editor, noteNone)
	}()
	t.Cleanup(func() {
		select {
		case <-pl.done:
		default:
			pl.send("\x04")
			select {
			case <-pl.done:
			case <-time.After(20 * time.Second):
				t.Errorf("the loop did not end after Ctrl-D")
			}
		}
		s.Close()
		tty.Close()
		master.Close()
		<-readDone
	})
	pl.expect(">>> ")
	return pl
}

func (pl *ptyLoop) send(s string) {
	pl.t.Helper()
	if _, err := pl.master.WriteString(s); err != nil {
		pl.t.Fatalf("writing to the pty: %v", err)
	}
}

// waitFor waits until the loop has drawn more than n bytes in all.
func (pl *ptyLoop) waitFor(n int) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	for pl.consumed+pl.out.Len() <= n {
		pl.cond.Wait()
	}
}

// expect waits until the output contains s (after everything an
// earlier expect matched). The deadline bounds a hang; it is not a
// speed check.
func (pl *ptyLoop) expect(s string) {
	pl.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	timer := time.AfterFunc(30*time.Second, func() { pl.mu.Lock(); pl.cond.Broadcast(); pl.mu.Unlock() })
	defer timer.Stop()
	pl.mu.Lock()
	defer pl.mu.Unlock()
	for !strings.Contains(pl.out.String(), s) {
		if time.Now().After(deadline) {
			pl.t.Fatalf("timed out waiting for %q; the last output:\n%q", s, tail(pl.out.String(), 400))
		}
		pl.cond.Wait()
	}
	// Consume up to the match, so a later expect sees only newer output.
	rest := pl.out.String()
	i := strings.Index(rest, s) + len(s)
	pl.out.Reset()
	pl.out.WriteString(rest[i:])
	pl.consumed += i
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestLongLineOutputIsLinear types and pastes a 4,000-character line on a
// pty and counts the bytes the REPL draws while taking it in. readline
// alone redraws the whole line per character: about n*n/2 bytes (8 MB
// here), which is what made long lines take seconds.
func TestLongLineOutputIsLinear(t *testing.T) {
	const n = 4000
	line := `x = "` + strings.Repeat("ab", (n-6)/2) + `"` // n characters
	tests := []struct {
		name string
		// oneByOne waits for each character to be drawn before the
		// next: one redraw per character, as a slow typist makes.
		oneByOne bool
		writes   []string
	}{
		{"bracketed paste", false, []string{"\x1b[200~" + line + "\x1b[201~"}},
		{"paste without markers", false, []string{line}},
		{"bursts of 7 characters", false, splitEvery(line, 7)},
		{"typed one character at a time", true, strings.Split(line, "")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl := startPtyLoop(t)
			start := pl.total()
			for _, w := range tc.writes {
				before := pl.total()
				pl.send(w)
				if tc.oneByOne {
					pl.waitFor(before)
				}
			}
			// Enter, then a line whose answer shows the long line was
			// taken in whole; the count runs up to that answer.
			pl.send("\r")
			pl.send("len(x)\r")
			pl.expect(fmt.Sprintf("%d\r\n", n-6))
			drawn := pl.total() - start
			if limit := 3*n + 4096; drawn > limit {
				t.Errorf("drew %d bytes for a %d-character line, want at most %d (linear in its length)", drawn, n, limit)
			}
		})
	}
}

// total is every byte drawn since the start, consumed or not.
func (pl *ptyLoop) total() int {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.consumed + pl.out.Len()
}

func splitEvery(s string, k int) []string {
	var out []string
	for len(s) > k {
		out = append(out, s[:k])
		s = s[k:]
	}
	return append(out, s)
}

// TestInsertions checks that runs inserted in one step edit the line as
// typing them does: in the middle of the line, after a key, with a
// private-use character that looks like the insertion mark, split
// inside a UTF-8 sequence, and in history search.
func TestInsertions(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"paste in the middle of the line", []string{"x = 'ad'", "\x1b[D\x1b[D", "\x1b[200~bc\x1b[201~", "\r", "x\r"}, "'abcd'\n"},
		{"typing after a paste", []string{"x = 'ab", "c'", "\x7f\x7fd'\r", "x\r"}, "'abd'\n"},
		{"arrow keys inside a burst", []string{"x = 'ac'\x1b[D\x1b[Db\r", "x\r"}, "'abc'\n"},
		{"the mark's own character pasted", []string{"x = '\uE000\uE000'\r", "len(x)\r"}, "6\n"}, // len counts UTF-8 bytes
		{"the mark's own character typed", []string{"x = '", "\uE000", "'\r", "len(x)\r"}, "3\n"},
		{"UTF-8 split across reads", []string{"x = 'ñ\xc3", "\xb1ñ'\r", "x\r"}, "'ñññ'\n"},
		{"meta key inside a burst", []string{"x = 'ab cd\x1bbX\x05'\r", "x\r"}, "'ab Xcd'\n"},
		{"history search with a pasted query", []string{"abcdef = 42\r", "abcdef = 7\r", "\x12", "\x1b[200~f = 4\x1b[201~", "\r", "abcdef\r"}, "42\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, out := runLoop(t, "-", tc.writes...)
			if !strings.Contains(out, tc.want) {
				t.Errorf("output %q, want it to contain %q", out, tc.want)
			}
		})
	}
}

// BenchmarkLongLine types a line of n characters into the
// REPL on a pty, for n from 1,000 to 16,000: the time per line grows
// linearly with n (readline alone: quadratically, 5.9 s at 4,000).
func BenchmarkLongLine(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			pl := startPtyLoop(b)
			line := `x = "` + strings.Repeat("a", n-6) + `"`
			b.SetBytes(int64(n))
			for i := 0; b.Loop(); i++ {
				pl.send(line + "\r")
				pl.send(fmt.Sprintf("len(x) + %d\r", i))
				pl.expect(fmt.Sprintf("%d\r\n", n-6+i))
			}
		})
	}
}
