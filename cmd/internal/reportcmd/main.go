// Package reportcmd is `netstar report`: one self-contained HTML page
// (inline CSS, charts as inline SVG, a sortable port table, probe output)
// from the JSON Lines or nmap XML that netstar scan, netstar merge or
// nmap itself (-oX) wrote. See README.md.
package reportcmd

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Exit statuses of netstar report.
const (
	ExitOK     = 0 // the report was written
	ExitFailed = 1 // the output could not be written
	ExitUsage  = 2 // bad arguments or input: nothing was written
)

const usage = `usage: netstar report [-o FILE] [--title TEXT] [--all] SCAN.jsonl|SCAN.xml|- ...

Writes one self-contained HTML page (no external resource: inline CSS, inline SVG charts,
a sortable table) from netstar scan/merge JSON Lines or nmap XML (netstar's or nmap -oX).
Several inputs are shown together (a port read twice is kept once, the first time). - reads stdin.
Without -o the page goes to stdout. Exit codes: 0 written, 1 could not write, 2 bad arguments or input.

`

// Main runs netstar report with args (without "report") and returns its
// exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("netstar report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		io.WriteString(stderr, usage)
		fs.PrintDefaults()
	}
	out := fs.String("o", "-", "write the page to `FILE` (- for stdout)")
	title := fs.String("title", "", "the page's `TEXT` title (default \"netstar report\")")
	all := fs.Bool("all", false, "list every port the input names in the table, not only open ones")
	inputs, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if len(inputs) == 0 {
		fmt.Fprintf(stderr, "netstar report: no input file (give SCAN.jsonl or SCAN.xml)\n")
		return ExitUsage
	}
	if *out != "-" {
		for _, in := range inputs {
			if in != "-" && samePath(in, *out) {
				fmt.Fprintf(stderr, "netstar report: -o %s is also an input\n", *out)
				return ExitUsage
			}
		}
	}
	s := newScan()
	stdinUsed := false
	for _, in := range inputs {
		if in == "-" {
			if stdinUsed {
				fmt.Fprintf(stderr, "netstar report: - (stdin) given twice\n")
				return ExitUsage
			}
			stdinUsed = true
			if stdin == nil {
				stdin = strings.NewReader("")
			}
			err = s.Read(stdin, "stdin")
		} else {
			err = readFile(s, in)
		}
		if err != nil {
			fmt.Fprintf(stderr, "netstar report: %v\n", err)
			return ExitUsage
		}
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(stderr, "netstar report: warning: %s\n", w)
	}
	opt := Options{Title: *title, Inputs: inputs, AllRows: *all}
	if *out == "-" {
		if err := Render(stdout, s, opt); err != nil {
			fmt.Fprintf(stderr, "netstar report: writing stdout: %v\n", err)
			return ExitFailed
		}
		return ExitOK
	}
	if err := writeFile(*out, s, opt); err != nil {
		fmt.Fprintf(stderr, "netstar report: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}

// parseInterspersed parses flags wherever they are among the inputs
// (`netstar report scan.jsonl -o r.html`); "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func samePath(a, b string) bool {
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(ia, ib)
	}
	aa, _ := filepath.Abs(a)
	ab, _ := filepath.Abs(b)
	return aa == ab
}

func readFile(s *Scan, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return s.Read(f, path)
}

// writeFile writes the page to a temporary file renamed to path at the
// end, so a failed run leaves no half page.
func writeFile(path string, s *Scan, opt Options) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("-o %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := Render(tmp, s, opt); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
