// Command netstar is a scriptable network shell: a REPL and script runner
// for Starlark with Python's socket API, a port scanner, DNS tools and an
// HTTP server.
//
// Usage:
//
//	netstar                     start the REPL (or run the program on stdin when it is not a terminal)
//	netstar FILE.star [ARGS]    run a script; sys.argv is [FILE, ARGS...]
//	netstar FILE.py [ARGS]      run a Python script as written: translated in memory, then run
//	netstar - [ARGS]            run the program on stdin (Python when it parses only as Python)
//	netstar -c CODE [ARGS]      run CODE; sys.argv is ["-c", ARGS...]
//	netstar -i FILE [ARGS]      run a script, then stay in the REPL with its globals
//	netstar -h | --version
//
// Exit status: 0 success; 1 uncaught error; 2 usage error; n from
// exit(n) or sys.exit(n); 130 after Ctrl-C; 143 after SIGTERM.
package main

import (
	"os"
	"syscall"

	_ "github.com/netstar/netstar/modules/standard"
)

func main() {
	// Before anything opens a file: with too few descriptors the Go
	// runtime dies when it makes its poller.
	if status, ok := checkFileLimit(os.Stderr, syscall.Getrlimit); !ok {
		os.Exit(status)
	}
	os.Exit(run(os.Args[1:], osStreams()))
}
