// Command netstar-bench compares netstar with the tools it replaces, on
// networks it builds itself (Linux network namespaces; no outside
// traffic). Each comparison is a subcommand in a file of its own:
//
//	go run ./cmd/netstar-bench scan      # socket.scan's engine vs nmap -sT
//
// It needs root, iproute2 and iptables; a competitor that is not
// installed is skipped with a message. The report goes to stdout.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	// hidden commands are helpers the bench runs as child processes.
	hidden bool
	run    func(args []string) error
}

var (
	commands                         = map[string]command{}
	stdout                 io.Writer = os.Stdout
	stderr                 io.Writer = os.Stderr
	programName                      = "netstar-bench"
	exitUsage, exitFailure           = 2, 1
)

// register adds a subcommand; each subcommand's file calls it from init.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("netstar-bench: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

func usage() {
	fmt.Fprintf(stderr, "usage: %s COMMAND [flags]\n\ncommands:\n", programName)
	names := make([]string, 0, len(commands))
	for name, c := range commands {
		if !c.hidden {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(stderr, "  %-10s %s\n", name, commands[name].summary)
	}
	fmt.Fprintf(stderr, "\nRun '%s COMMAND -h' for a command's flags.\n", programName)
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(exitUsage)
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(stderr, "%s: unknown command %q\n", programName, os.Args[1])
		usage()
		os.Exit(exitUsage)
	}
	if err := c.run(os.Args[2:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(exitUsage)
		}
		fmt.Fprintf(stderr, "%s %s: %v\n", programName, c.name, err)
		os.Exit(exitFailure)
	}
}
