package builtins_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// TestLongBuiltinsStopWhenCancelled cancels the evaluation (what Ctrl-C
// does) while a long builtin runs in Go. Starlark's own sorted finishes
// its 20M-element sort first (9-17 s); netstar's must notice the
// cancellation itself and return it as its error.
func TestLongBuiltinsStopWhenCancelled(t *testing.T) {
	tests := []struct {
		name, src string
	}{
		{"sorted", "def f(started):\n    started()\n    return sorted(range(20000000), reverse=True)\n"},
		{"sorted of a list", "def f(started):\n    x = list(range(5000000))\n    started()\n    return sorted(x + x + x + x)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			th := s.NewThread("main")
			s.Lock()
			g, err := s.ExecFile(th, "t.star", []byte(tc.src))
			s.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			running := make(chan struct{})
			started := starlark.NewBuiltin("started", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
				close(running)
				return starlark.None, nil
			})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			s.Go("worker", func(th *starlark.Thread) {
				interp.SetContext(th, ctx)
				_, err := starlark.Call(th, g["f"], starlark.Tuple{started}, nil)
				done <- err
			})
			<-running
			time.Sleep(20 * time.Millisecond) // into the builtin
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "sorted") {
					t.Errorf("f() = %v, want sorted's own cancellation error", err)
				}
			case <-time.After(60 * time.Second): // bounds a hang, not a speed check
				t.Fatal("the builtin did not stop after the cancellation")
			}
		})
	}
}
