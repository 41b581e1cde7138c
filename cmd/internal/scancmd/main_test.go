package scancmd

import (
	"os"
	"testing"
)

// TestMain lets tests run the command in a child process (as a shard
// of an Indexed Job would run): NETSTAR_SCANCMD_CHILD=scan or merge
// runs Main or MergeMain on the arguments after "--".
func TestMain(m *testing.M) {
	if mode := os.Getenv("NETSTAR_SCANCMD_CHILD"); mode != "" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		main := Main
		if mode == "merge" {
			main = MergeMain
		}
		os.Exit(main(args, os.Stdin, os.Stdout, os.Stderr))
	}
	// The machine's locale must not change the messages tests expect:
	// a test that wants Spanish asks for it (children inherit this).
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		os.Unsetenv(k)
	}
	os.Exit(m.Run())
}
