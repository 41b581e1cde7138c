package interp_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// replSession runs chunks as the REPL does: one thread, one globals
// dict that starts as the predeclared environment.
type replSession struct {
	t       *testing.T
	s       *interp.Session
	th      *starlark.Thread
	globals starlark.StringDict
	out     bytes.Buffer
}

func newREPLSession(t *testing.T) *replSession {
	r := &replSession{t: t}
	r.s = interp.New(interp.Config{Stdout: &r.out, Stderr: &r.out})
	t.Cleanup(func() { r.s.Close() })
	r.th = r.s.NewThread("repl")
	r.globals = r.s.Predeclared("__main__")
	return r
}

// exec runs one chunk and returns its error.
func (r *replSession) exec(src string) error {
	r.t.Helper()
	f, err := interp.Parse("<stdin>", []byte(src))
	if err != nil {
		r.t.Fatalf("parse %q: %v", src, err)
	}
	return r.s.Run(func() error { return interp.ExecChunk(r.th, f, r.globals) })
}

// TestChunkHidesReserved: what repl/translate makes of a Python try
// block leaves no invented name (__ns_...) in the session's globals,
// while the predeclared helpers and the user's names stay.
func TestChunkHidesReserved(t *testing.T) {
	r := newREPLSession(t)
	predeclared := map[string]bool{}
	for name := range r.globals {
		predeclared[name] = true
	}
	// translate's output for:
	//	state = "mine"
	//	try:
	//	    x = 1 // 0
	//	except ZeroDivisionError as e:
	//	    msg = str(e)
	chunks := []string{
		"state = 'mine'\n",
		`def __ns_try_1():
    x = 1 // 0
__ns__, e = catch(__ns_try_1)
if e and e.is_a("ZeroDivisionError"):
    msg = str(e)
elif e:
    __ns_raise__(e)
`,
		// An error in the chunk: its invented names go too.
		"__ns_tmp = 1\nfail('boom')\n",
	}
	for i, c := range chunks {
		err := r.exec(c)
		if (err != nil) != (i == 2) || i == 2 && !strings.Contains(err.Error(), "boom") {
			t.Fatalf("chunk %d: error %v", i, err)
		}
	}
	for name := range r.globals {
		if strings.HasPrefix(name, interp.Reserved) && !predeclared[name] {
			t.Errorf("%s left in the session's globals", name)
		}
	}
	if r.globals["__ns_raise__"] == nil {
		t.Error("the predeclared __ns_raise__ was removed")
	}
	if got := r.globals["state"]; got != starlark.String("mine") {
		t.Errorf("state = %v, want the user's 'mine'", got)
	}
	if got := r.globals["msg"]; got != starlark.String("integer division or modulo by zero") {
		t.Errorf("msg = %v", got)
	}
}
