package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	testscript.Main(leakCheck{m}, map[string]func(){
		"netstar": func() { os.Exit(run(os.Args[1:], osStreams())) },
	})
}

// leakCheck runs the tests, then fails the run if a goroutine outlived
// them (a session, a listener, the stepper's interrupt watcher).
// testscript.Main calls os.Exit itself, so goleak.VerifyTestMain cannot
// wrap it; this does the same inside Run.
type leakCheck struct{ m *testing.M }

func (l leakCheck) Run() int {
	// The tests expect English, the default, unless they set a locale
	// themselves: the machine's own locale must not change their
	// outcome. (Only the test run clears it: testscript's netstar
	// command, run by the same binary, keeps the script's env.)
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		os.Unsetenv(name)
	}
	code := l.m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			return 1
		}
	}
	return code
}

// TestScripts runs the CLI scripts in testdata/*.txtar: each runs the
// real netstar command in a fresh directory and checks its output and
// exit status.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata",
		Setup: func(env *testscript.Env) error {
			env.Setenv("NETSTAR_HISTORY", env.WorkDir+"/.history")
			return nil
		},
	})
}
