package socket_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarktest"
)

// run executes src as a netstar program with starlarktest's assert
// module and returns what it printed; failed asserts fail t.
func run(t *testing.T, name, src string) (string, error) {
	t.Helper()
	extra, err := starlarktest.LoadAssertModule()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &errb, Argv: []string{name}, Extra: extra})
	th := s.NewThread("test")
	starlarktest.SetReporter(th, t)
	s.Lock()
	_, err = s.ExecFile(th, name, []byte(src))
	s.Unlock()
	if cerr := s.Close(); cerr != nil {
		t.Errorf("session close: %v", cerr)
	}
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		err = errors.New(ee.Backtrace())
	}
	return out.String(), err
}

// mustRun is run for programs that must not fail.
func mustRun(t *testing.T, name, src string) string {
	t.Helper()
	out, err := run(t, name, src)
	if err != nil {
		t.Fatalf("%s: %v\noutput:\n%s", name, err, out)
	}
	return out
}

// TestStarFiles runs testdata/*.star; each uses assert and must finish.
func TestStarFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.star")
	if len(files) == 0 {
		t.Fatal("no testdata/*.star")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".star"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			mustRun(t, f, string(src))
		})
	}
}
