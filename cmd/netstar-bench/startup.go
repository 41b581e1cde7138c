package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/netstar/netstar/builtins/table"
)

func init() {
	register(command{name: "startup", summary: "netstar -c 'print(1)' vs python3 -c 'print(1)' and the bare Starlark interpreter", run: runStartupBench})
}

// runStartupBench builds netstar and go.starlark.net's own interpreter,
// then times `-c 'print(1)'` of each and of python3, alternating, and
// reports medians and ratios to python3.
func runStartupBench(args []string) error {
	fs := flag.NewFlagSet("startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 50, "alternating rounds; medians are reported")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 {
		return fmt.Errorf("-rounds %d: must be at least 1", *rounds)
	}
	dir, err := os.MkdirTemp("", "netstar-bench-startup")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	type contender struct {
		name  string
		argv  []string
		times []time.Duration
	}
	var cs []*contender
	netstar := filepath.Join(dir, "netstar")
	if out, err := exec.Command("go", "build", "-o", netstar, "./cmd/netstar").CombinedOutput(); err != nil {
		return fmt.Errorf("building netstar (run from the repository root): %v\n%s", err, out)
	}
	cs = append(cs, &contender{name: "netstar", argv: []string{netstar, "-c", "print(1)"}})
	bare := filepath.Join(dir, "starlark")
	if out, err := exec.Command("go", "build", "-o", bare, "go.starlark.net/cmd/starlark").CombinedOutput(); err == nil {
		script := filepath.Join(dir, "one.star")
		os.WriteFile(script, []byte("print(1)\n"), 0o644)
		cs = append(cs, &contender{name: "starlark (bare go.starlark.net)", argv: []string{bare, script}})
	} else {
		fmt.Fprintf(stdout, "bare starlark skipped: %v\n%s", err, out)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		fmt.Fprintln(stdout, "startup bench: python3 not installed, ratios skipped")
	} else {
		cs = append(cs, &contender{name: "python3", argv: []string{python, "-c", "print(1)"}})
		// A pyenv shim is a shell script in front of the interpreter:
		// time the interpreter itself too, so the ratio is not flattered.
		if out, err := exec.Command(python, "-c", "import sys; print(sys.executable)").Output(); err == nil {
			if real := string(bytes.TrimSpace(out)); real != "" && real != python {
				if resolved, _ := filepath.EvalSymlinks(python); resolved != real {
					cs = append(cs, &contender{name: "python3 (" + real + ")", argv: []string{real, "-c", "print(1)"}})
				}
			}
		}
	}

	for i := 0; i < *rounds; i++ {
		for _, c := range cs {
			start := time.Now()
			cmd := exec.Command(c.argv[0], c.argv[1:]...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil || out.String() != "1\n" {
				return fmt.Errorf("%s: %v (output %q)", c.name, err, out.String())
			}
			c.times = append(c.times, time.Since(start))
		}
	}
	median := func(ts []time.Duration) time.Duration {
		s := append([]time.Duration(nil), ts...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[len(s)/2]
	}
	// The ratio is to the fastest python3 measured (the interpreter
	// binary when python3 is a shim).
	var pyMedian time.Duration
	for _, c := range cs {
		if m := median(c.times); strings.HasPrefix(c.name, "python3") && (pyMedian == 0 || m < pyMedian) {
			pyMedian = m
		}
	}
	var rows [][]string
	for _, c := range cs {
		m := median(c.times)
		ratio := "-"
		if pyMedian > 0 {
			ratio = fmt.Sprintf("%.3f", float64(m)/float64(pyMedian))
		}
		rows = append(rows, []string{c.name, fmt.Sprintf("%.2f ms", float64(m)/1e6), ratio})
	}
	fmt.Fprintf(stdout, "start-up: -c 'print(1)', %d alternating rounds, medians\n", *rounds)
	fmt.Fprint(stdout, table.Render([]string{"PROGRAM", "MEDIAN", "RATIO TO FASTEST python3"}, rows))
	fmt.Fprintln(stdout, "goal: netstar <= 0.15x python3")
	return nil
}
