// netstar step: a notebook (or a script) run cell by cell, each shown in
// Python beside its netstar translation.

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/builtins/table"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/translate"
)

// stepUsage is the usage text of netstar step, run as prog, in the
// locale's language.
func stepUsage(prog string) string {
	return i18n.T("step.usage", prog)
}

// stepConfig configures step.
type stepConfig struct {
	// Args are the words after "step": the file, --all, and the
	// program's arguments (sys.argv[1:]).
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Prog is how netstar was run, for the usage text; "" means
	// "netstar".
	Prog string
	// Interrupts, if set, delivers Ctrl-C: each value stops the running
	// cell. stepMain wires it to SIGINT.
	Interrupts <-chan os.Signal
}

// stepMain runs `netstar step` with args (the words after "step"),
// handling Ctrl-C (SIGINT stops the running cell), and returns the exit
// status. prog is how netstar was run, for the usage text.
func stepMain(prog string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	return step(stepConfig{Args: args, Stdin: stdin, Stdout: stdout, Stderr: stderr, Prog: prog, Interrupts: sigs})
}

// step runs the stepper as configured and returns the exit status.
func step(cfg stepConfig) int {
	prog := cfg.Prog
	if prog == "" {
		prog = "netstar"
	}
	var file string
	all := false
	var progArgs []string
	for _, a := range cfg.Args {
		switch {
		case a == "--all" || a == "-all" || a == "-a":
			all = true
		case a == "-h" || a == "-help" || a == "--help":
			io.WriteString(cfg.Stdout, stepUsage(prog))
			return 0
		case file != "":
			progArgs = append(progArgs, a)
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(cfg.Stderr, "netstar step: %s\n%s", i18n.T("cli.flag.unknown", a), stepUsage(prog))
			return 2
		default:
			file = a
		}
	}
	if file == "" {
		fmt.Fprintf(cfg.Stderr, "netstar step: %s\n%s", i18n.T("step.missing"), stepUsage(prog))
		return 2
	}
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(cfg.Stderr, "netstar step: %v\n", err)
		return 1
	}
	var cells []translate.Cell
	if isNotebook(file, src) {
		cells, err = translate.NotebookCells(file, src)
	} else {
		cells, err = translate.ScriptCells(file, src)
	}
	if cells == nil {
		fmt.Fprintf(cfg.Stderr, "netstar step: %v\n", err)
		return 1
	}
	if err != nil {
		fmt.Fprintf(cfg.Stderr, "netstar step: %v\n", err)
	}

	in := bufio.NewReader(cfg.Stdin)
	readLine := func() (string, error) {
		line, err := in.ReadString('\n')
		if err != nil && (line == "" || err != io.EOF) {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	s := interp.New(interp.Config{Stdout: cfg.Stdout, Stderr: cfg.Stderr, Argv: append([]string{file}, progArgs...)})
	defer s.Close()
	// input() reads the same stdin as the stepper's prompts.
	s.SetInput(func(prompt string) (string, error) {
		io.WriteString(s.Stdout(), prompt)
		return readLine()
	})
	r := newCellRunner(s)
	r.Echo = true
	if cfg.Interrupts != nil {
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-cfg.Interrupts:
					r.Interrupt()
				case <-done:
					return
				}
			}
		}()
	}

	failed := false
	last := -1 // index of the last cell run, for r
	for i := 0; i < len(cells); i++ {
		c := cells[i]
		if c.Markdown {
			if !all && strings.TrimSpace(c.Python) != "" {
				fmt.Fprintf(cfg.Stdout, "\n%s\n", strings.TrimRight(c.Python, "\n"))
			}
			continue
		}
		fmt.Fprintf(cfg.Stdout, "\n%s\n", i18n.T("step.cell", c.Number))
		if !all {
			io.WriteString(cfg.Stdout, sideBySide(c))
		prompt:
			io.WriteString(cfg.Stdout, i18n.T("step.prompt"))
			cmd, err := readLine()
			if err != nil {
				fmt.Fprintln(cfg.Stdout)
				return 0
			}
			switch strings.ToLower(strings.TrimSpace(cmd)) {
			case "q", "quit", "salir":
				return 0
			case "s", "skip", "saltar":
				continue
			case "r":
				if last < 0 {
					fmt.Fprintln(cfg.Stdout, i18n.T("step.noPrevious"))
					goto prompt
				}
				if code, ok := runCell(r, file, cells[last], cfg.Stderr); !ok {
					return code
				}
				goto prompt
			case "":
			default:
				fmt.Fprintln(cfg.Stdout, i18n.T("step.keys"))
				goto prompt
			}
		}
		last = i
		code, ok := runCell(r, file, c, cfg.Stderr)
		if !ok {
			return code
		}
		if code != 0 {
			failed = true
		}
	}
	if failed && all {
		return 1
	}
	return 0
}

// runCell runs one cell. It returns ok=false with the status when the
// program asked to exit; otherwise code is 1 when the cell failed.
func runCell(r *cellRunner, file string, c translate.Cell, stderr io.Writer) (code int, ok bool) {
	if c.Err != nil {
		fmt.Fprintln(stderr, i18n.T("step.cannotRun", c.Number, c.Err))
		return 1, true
	}
	err := r.Run(i18n.T("step.cellFile", file, c.Number), c.Code)
	if err == nil {
		return 0, true
	}
	if status, isExit := interp.ExitCode(err); isExit {
		var ee *interp.ExitError
		if errors.As(err, &ee) && ee.Message != "" {
			fmt.Fprintln(stderr, ee.Message)
		}
		return status, false
	}
	fmt.Fprintln(stderr, strings.TrimRight(interp.FormatError(err), "\n"))
	return 1, true
}

// sideBySide shows a cell's Python beside its translation.
func sideBySide(c translate.Cell) string {
	right := strings.TrimRight(c.Code, "\n")
	if c.Err != nil {
		right = "ERROR: " + c.Err.Error()
	}
	return table.Render([]string{"Python", "netstar"}, [][]string{{strings.TrimRight(expandTabs(c.Python), "\n"), expandTabs(right)}})
}

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", "    ") }
