package repl

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chzyer/readline"
	"github.com/netstar/netstar/repl/interp"

	_ "github.com/netstar/netstar/modules/standard"
)

// syncBuffer is a bytes.Buffer safe for the line editor's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// notTerminal makes the line editor leave the process's terminal alone:
// no raw mode, no size queries, no SIGWINCH handler.
func notTerminal(c *readline.Config) {
	c.FuncIsTerminal = func() bool { return false }
	c.FuncMakeRaw = func() error { return nil }
	c.FuncExitRaw = func() error { return nil }
	c.FuncGetWidth = func() int { return 80 }
	c.FuncOnWidthChanged = func(func()) {}
}

// runLoop runs the REPL loop on a pipe. Each write reaches the line
// editor as one read, as a terminal delivers one keystroke or one paste;
// the next write waits until it has been read. Closing the pipe after
// the last write is Ctrl-D.
func runLoop(t *testing.T, history string, writes ...string) (status int, out string) {
	t.Helper()
	return runLoopStyle(t, noteNone, history, writes...)
}

// runLoopStyle is runLoop with notes shown in style, as on a terminal.
func runLoopStyle(t *testing.T, style noteStyle, history string, writes ...string) (status int, out string) {
	t.Helper()
	var buf syncBuffer
	s := interp.New(interp.Config{Stdout: &buf, Stderr: &buf, Input: func(string) (string, error) { return "", io.EOF }})
	defer s.Close()
	pr, pw := io.Pipe()
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		for _, w := range writes {
			if _, err := io.WriteString(pw, w); err != nil {
				return // the loop ended first (exit())
			}
		}
		pw.Close()
	}()
	done := make(chan int, 1)
	go func() {
		done <- run(Config{Session: s, HistoryFile: history, Stdout: &buf, Stderr: &buf}, pr, notTerminal, style)
	}()
	select {
	case status = <-done:
	case <-time.After(20 * time.Second): // bounds a hang, not a speed check
		t.Fatalf("the loop did not end; output so far:\n%s", buf.String())
	}
	pr.CloseWithError(io.ErrClosedPipe)
	<-wrote
	return status, buf.String()
}

func TestLoop(t *testing.T) {
	tests := []struct {
		name    string
		writes  []string
		status  int
		output  []string // in this order
		absent  []string
		history []string // entries in the history file
	}{
		{
			name: "typed lines and blocks",
			writes: []string{
				"x = 41\r", "x + 1\r",
				"def double(a):\r", "    return a * 2\r",
				"    \r", // spaces: the block goes on
				"    b = 0\r", "\r",
				"double(21)\r",
				"nope\r",
				"'still' + ' here'\r",
			},
			output:  []string{"42\n", "42\n", "undefined: nope", "'still here'\n"},
			absent:  []string{"unexpected indent"},
			history: []string{"x = 41", "x + 1", "def double(a):\n    return a * 2\n    \n    b = 0", "double(21)", "nope", "'still' + ' here'"},
		},
		{
			name: "paste with blank lines inside a def",
			writes: []string{
				"\x1b[200~def f():\r    a = 20\r\r    return a + 1\r\rprint('got', f() * 2)\r\x1b[201~", "\r",
				"def g():\n    b = 1\n\n    return b + 2\n\nprint('g', g())\n",
				"f() + g()\r",
			},
			output:  []string{"got 42\n", "g 3\n", "24\n"},
			absent:  []string{"Error", "error"},
			history: []string{"def f():\n    a = 20\n\n    return a + 1", "print('got', f() * 2)", "def g():\n    b = 1\n\n    return b + 2", "print('g', g())", "f() + g()"},
		},
		{
			name:    "exit status",
			writes:  []string{"print('before')\r", "exit(3)\r", "print('after')\r"},
			status:  3,
			output:  []string{"before\n"},
			absent:  []string{"after\n"},
			history: []string{"print('before')", "exit(3)"},
		},
		{
			name:    "tab completes a module attribute",
			writes:  []string{"sys.platfo\t", "\r", "socket.gethostbyna\t", "\r"},
			output:  []string{"'" + runtime.GOOS + "'", "<built-in function socket.gethostbyname>"},
			history: []string{"sys.platform", "socket.gethostbyname"},
		},
		{
			name:    "Ctrl-C drops the unfinished block",
			writes:  []string{"def f():\r", "    return 1\r", "\x03", "1 + 1\r"},
			output:  []string{"KeyboardInterrupt", "2\n"},
			history: []string{"1 + 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hist := filepath.Join(t.TempDir(), "history")
			status, out := runLoop(t, hist, tt.writes...)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			rest := out
			for _, w := range tt.output {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("output lacks %q (in order); output:\n%s", w, out)
					break
				}
				rest = rest[i+len(w):]
			}
			for _, a := range tt.absent {
				if strings.Contains(out, a) {
					t.Errorf("output holds %q; output:\n%s", a, out)
				}
			}
			data, err := os.ReadFile(hist)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
				got = append(got, decodeEntry(line))
			}
			if !equal(got, tt.history) {
				t.Errorf("history\n%q\nwant\n%q", got, tt.history)
			}
		})
	}
}

// TestLoopHistoryRecall starts a second loop on the history of a first:
// the up arrow recalls a two-line definition as one entry.
func TestLoopHistoryRecall(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history")
	runLoop(t, hist, "def h():\r", "    return 'from history'\r", "\r", "h()\r")
	_, out := runLoop(t, hist, "\x1b[A\x1b[A\r", "h()\r")
	if !strings.Contains(out, "'from history'") {
		t.Errorf("the recalled definition did not run; output:\n%s", out)
	}
}

// setLang sets the locale for one test: lang in LANG, LC_ALL and
// LC_MESSAGES cleared, so the machine's own locale does not leak in. ""
// is no locale at all (English, the default).
func setLang(t *testing.T, lang string) {
	t.Helper()
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", lang)
}

// The REPL's note after it translated and ran Python input, by locale.
var translatedNotes = map[string]string{
	"":            "(Python translated to netstar and run)",
	"C":           "(Python translated to netstar and run)",
	"es_ES.UTF-8": "(Python traducido a netstar y ejecutado)",
}

// TestLoopBanner checks the banner in each language.
func TestLoopBanner(t *testing.T) {
	for _, tc := range []struct {
		lang, want string
	}{
		{"", "netstar " + interp.Version + " — Starlark with Python's socket API. help() for help, Ctrl-D to exit.\n"},
		{"C", "— Starlark with Python's socket API. help() for help, Ctrl-D to exit.\n"},
		{"es_ES.UTF-8", "netstar " + interp.Version + " — Starlark con la API de sockets de Python. help() para ayuda, Ctrl-D para salir.\n"},
		{"es", "Starlark con la API de sockets de Python"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			setLang(t, tc.lang)
			_, out := runLoop(t, "-")
			if !strings.Contains(out, tc.want) {
				t.Errorf("LANG=%s: the banner is not %q; output:\n%q", tc.lang, tc.want, out)
			}
		})
	}
}

// TestLoopRunsPython types and pastes Python that netstar does not run
// as it is: it is translated and run without a question, with a note in
// the REPL's note style and the locale's language, and the line typed
// next is never taken as an answer.
func TestLoopRunsPython(t *testing.T) {
	for _, lang := range []string{"", "C", "es_ES.UTF-8"} {
		t.Run("LANG="+lang, func(t *testing.T) {
			setLang(t, lang)
			testLoopRunsPython(t, translatedNotes[lang])
		})
	}
}

func testLoopRunsPython(t *testing.T, translatedNote string) {
	typedTry := []string{
		"try:\r", "    y = 1 // 0\r", "except ZeroDivisionError as e:\r", "    print('cazado')\r", "\r",
		"z = 5\r", // typed at once after the block: a question would eat it
		"z + 1\r",
	}
	pasted := []string{
		"\x1b[200~n = 7\rprint(f\"n vale {n}\")\rprint('y luego', n)\r\x1b[201~", "\r",
		"n * 2\r",
	}
	for _, tc := range []struct {
		name   string
		style  noteStyle
		writes []string
		output []string // in this order
		absent []string
	}{
		{name: "typed try on a terminal", style: noteDim, writes: typedTry,
			output: []string{"\x1b[2m" + translatedNote + "\x1b[0m\n", "cazado\n", "6\n"},
			absent: []string{"[Y/n]", "undefined: z"}},
		{name: "typed try with NO_COLOR", style: notePlain, writes: typedTry,
			output: []string{translatedNote + "\n", "cazado\n", "6\n"},
			absent: []string{"\x1b[2m", "[Y/n]", "undefined: z"}},
		{name: "typed try without a terminal", style: noteNone, writes: typedTry,
			output: []string{"cazado\n", "6\n"},
			absent: []string{"traducido", "translated", "[Y/n]", "undefined: z"}},
		{name: "pasted f-string and the line after it", style: notePlain, writes: pasted,
			output: []string{translatedNote + "\n", "n vale 7\n", "y luego 7\n", "14\n"},
			absent: []string{"[Y/n]"}},
		{name: "a typed f-string expression echoes its value", style: notePlain,
			writes: []string{"x = 3\r", "f\"x={x}\"\r", "x\r"},
			output: []string{translatedNote + "\n", "'x=3'\n", "3\n"}},
		{name: "Python with a syntax error is reported, not run", style: notePlain,
			writes: []string{"print 'hola'\r", "'sigue'\r"},
			output: []string{"syntax error", "'sigue'\n"},
			absent: []string{translatedNote}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out := runLoopStyle(t, tc.style, filepath.Join(t.TempDir(), "history"), tc.writes...)
			rest := out
			for _, w := range tc.output {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("output lacks %q (in order); output:\n%q", w, out)
					break
				}
				rest = rest[i+len(w):]
			}
			for _, a := range tc.absent {
				if strings.Contains(out, a) {
					t.Errorf("output holds %q; output:\n%q", a, out)
				}
			}
		})
	}
}

func TestStyleFor(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "NO_COLOR" {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		terminal bool
		noColor  string
		want     noteStyle
	}{
		{true, "", noteDim},
		{true, "1", notePlain},
		{false, "", noteNone},
		{false, "1", noteNone},
	} {
		if got := styleFor(tc.terminal, env(tc.noColor)); got != tc.want {
			t.Errorf("styleFor(%v, NO_COLOR=%q) = %v, want %v", tc.terminal, tc.noColor, got, tc.want)
		}
	}
}
