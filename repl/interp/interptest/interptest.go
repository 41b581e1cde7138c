// Package interptest runs Starlark programs in a netstar session from Go
// tests, with go.starlark.net/starlarktest's assert module predeclared,
// as net/http/httptest serves net/http's tests.
//
//	res := interptest.Run(t, "t.star", `assert.eq(json.dumps([1]), "[1]")`, interp.Config{})
//	if res.Err != nil { t.Fatal(interp.FormatError(res.Err)) }
//
// Import the module packages under test (or modules/standard) for their
// side effect of registering themselves.
package interptest

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarktest"
)

// Result is what a program did.
type Result struct {
	// Stdout and Stderr hold what the program wrote, when the Config
	// did not set its own writers.
	Stdout, Stderr string
	// Globals are the program's globals (nil after a syntax error).
	Globals starlark.StringDict
	// Err is the error that ended the program, if any.
	Err error
}

// Run executes src as the file name in a new session and closes the
// session (waiting for its threads) before returning. The program sees
// the registry's modules and builtins, cfg.Extra, and assert; a failed
// assert reports to t. A nil cfg.Input makes input() hit end of file
// rather than read the test's stdin.
func Run(t testing.TB, name, src string, cfg interp.Config) Result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if cfg.Stdout == nil {
		cfg.Stdout = &stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = &stderr
	}
	if cfg.Input == nil {
		cfg.Input = func(string) (string, error) { return "", io.EOF }
	}
	assert, err := starlarktest.LoadAssertModule()
	if err != nil {
		t.Fatal(err)
	}
	extra := starlark.StringDict{"assert": assert["assert"]}
	for k, v := range cfg.Extra {
		extra[k] = v
	}
	cfg.Extra = extra
	s := interp.New(cfg)
	th := s.NewThread("test")
	starlarktest.SetReporter(th, t)
	s.Lock()
	g, err := s.ExecFile(th, name, []byte(src))
	s.Unlock()
	s.Close()
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Globals: g, Err: err}
}

// RunFiles runs every file matching pattern (such as "testdata/*.star")
// as a subtest with Run, failing the subtest if the program fails.
func RunFiles(t *testing.T, pattern string, cfg interp.Config) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if res := Run(t, file, string(src), cfg); res.Err != nil {
				t.Error(interp.FormatError(res.Err))
			}
		})
	}
}
