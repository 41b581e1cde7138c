package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"netstar": func() { os.Exit(run(os.Args[1:], osStreams())) },
	})
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
