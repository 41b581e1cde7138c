package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netstar/netstar/repl/interp/interptest"
	"github.com/netstar/netstar/repl/translate"
)

func TestReadSource(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("print(1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 2000), 0o644); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name  string
		open  func(t *testing.T) *os.File
		ctx   context.Context
		limit int64
		want  string
		err   error
	}{
		{name: "a small file", open: openPath(small), ctx: context.Background(), limit: 1000, want: "print(1)\n"},
		{name: "a regular file over the limit", open: openPath(big), ctx: context.Background(), limit: 1000, err: errTooLarge},
		{name: "exactly the limit", open: openPath(big), ctx: context.Background(), limit: 2000, want: string(make([]byte, 2000))},
		{name: "an endless device", open: openPath("/dev/zero"), ctx: context.Background(), limit: 1 << 20, err: errTooLarge},
		{name: "a pipe over the limit", open: pipeOf(strings.Repeat("x", 5000)), ctx: context.Background(), limit: 1000, err: errTooLarge},
		{name: "a pipe", open: pipeOf("x = 1\n"), ctx: context.Background(), limit: 1000, want: "x = 1\n"},
		{name: "an empty pipe", open: pipeOf(""), ctx: context.Background(), limit: 1000, want: ""},
		{name: "canceled", open: openPath(small), ctx: canceled, limit: 1000, err: context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readSource(tc.ctx, tc.open(t), tc.limit)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if err == nil && got == nil {
				t.Error("nil source: the command would take it for no program")
			}
			if string(got) != tc.want {
				t.Errorf("read %d bytes, want %d", len(got), len(tc.want))
			}
		})
	}
}

func openPath(p string) func(t *testing.T) *os.File {
	return func(t *testing.T) *os.File {
		f, err := os.Open(p)
		if err != nil {
			t.Skipf("needs %s: %v", p, err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
}

// pipeOf returns the read end of a pipe that yields data, then EOF.
func pipeOf(data string) func(t *testing.T) *os.File {
	return func(t *testing.T) *os.File {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.WriteString(data)
			w.Close()
		}()
		t.Cleanup(func() { r.Close(); <-done })
		return r
	}
}

// TestCtrlCWhileReadingSource runs `netstar -` on a pipe that never
// ends and presses Ctrl-C: the command stops reading and exits with 130
// and KeyboardInterrupt, as Python does.
func TestCtrlCWhileReadingSource(t *testing.T) {
	// The test process keeps SIGINT for itself too, so that a signal
	// sent before run listens does not end the test binary.
	mine := make(chan os.Signal, 8)
	signal.Notify(mine, os.Interrupt)
	defer signal.Stop(mine)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w.WriteString("print('nunca')\n") // and the pipe stays open
	var stdout, stderr interptest.Buffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"-"}, streams{Stdin: r, Stdout: &stdout, Stderr: &stderr}) }()
	var status int
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second) // bounds a hang, not a speed check
wait:
	for {
		select {
		case status = <-done:
			break wait
		case <-tick.C:
			syscall.Kill(os.Getpid(), syscall.SIGINT)
		case <-deadline:
			w.Close()
			t.Fatal("Ctrl-C did not stop netstar reading its source")
		}
	}
	w.Close() // ends the blocked read, so its goroutine exits
	if status != 130 || stderr.String() != "KeyboardInterrupt\n" || stdout.String() != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want 130, nothing, KeyboardInterrupt", status, stdout.String(), stderr.String())
	}
}

func TestFormatPythonError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{
			name: "with a column",
			err:  &translate.SyntaxError{Filename: "x.py", Line: 2, Col: 9, Msg: "'(' was never closed", Text: "    y = (1,"},
			want: "  File \"x.py\", line 2\n    y = (1,\n        ^\nSyntaxError: '(' was never closed\n",
		},
		{
			name: "without a column or text",
			err:  &translate.SyntaxError{Filename: "x.py", Line: 1, Msg: "invalid syntax"},
			want: "  File \"x.py\", line 1\nSyntaxError: invalid syntax\n",
		},
		{
			name: "an error class in the message",
			err:  &translate.SyntaxError{Filename: "x.py", Line: 3, Class: "IndentationError", Msg: "unexpected indent", Text: "  x = 1"},
			want: "  File \"x.py\", line 3\n    x = 1\nIndentationError: unexpected indent\n",
		},
		{
			name: "joined",
			err:  errors.Join(&translate.SyntaxError{Filename: "a.py", Line: 1, Msg: "m1"}, &translate.SyntaxError{Filename: "a.py", Line: 5, Msg: "m2"}),
			want: "  File \"a.py\", line 1\nSyntaxError: m1\n  File \"a.py\", line 5\nSyntaxError: m2\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			formatPythonError(&b, tc.err)
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestDropHeader(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"# Traducido de x.py por netstar translate · translated from x.py by netstar translate.\n\nprint(1)\n", "print(1)\n"},
		{"# a comment of the student\n\nprint(1)\n", "# a comment of the student\n\nprint(1)\n"},
		{"print(1)\n", "print(1)\n"},
		{"", ""},
	} {
		if got := dropHeader(tc.in); got != tc.want {
			t.Errorf("dropHeader(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
