// netstar translate: the command around the translate library.

package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/netstar/netstar/repl/translate"
)

// translateUsage is the usage text of netstar translate, run as prog.
func translateUsage(prog string) string {
	return "usage: " + prog + " translate FILE.py|FILE.ipynb [-o FILE.star]\n" + translateHelp
}

const translateHelp = `
Prints the netstar version of a Python script or Jupyter notebook (or
writes it to -o FILE). What netstar cannot run is kept as a comment under
a "# TODO(netstar)" line; their count goes to stderr.

Exit status: 0 translated (even with TODOs); 1 the input is not Python
or not a notebook (the other cells of a notebook are still translated);
2 usage error.
`

// translateMain runs `netstar translate` with args (the words after
// "translate") and returns its exit status. prog is how netstar was run,
// for the usage text.
func translateMain(prog string, args []string, stdout, stderr io.Writer) int {
	var file, out string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-h" || a == "-help" || a == "--help":
			io.WriteString(stdout, translateUsage(prog))
			return 0
		case a == "-o" || a == "--output":
			if i+1 >= len(args) {
				fmt.Fprintf(stderr, "netstar translate: -o needs a file name\n%s", translateUsage(prog))
				return 2
			}
			out = args[i+1]
			i++
		case strings.HasPrefix(a, "-o="):
			out = a[3:]
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(stderr, "netstar translate: unknown flag %s\n%s", a, translateUsage(prog))
			return 2
		case file != "":
			fmt.Fprintf(stderr, "netstar translate: one file at a time (got %s and %s)\n%s", file, a, translateUsage(prog))
			return 2
		default:
			file = a
		}
	}
	if file == "" {
		fmt.Fprintf(stderr, "netstar translate: missing FILE.py or FILE.ipynb\n%s", translateUsage(prog))
		return 2
	}
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "netstar translate: %v\n", err)
		return 1
	}
	var res translate.Result
	if isNotebook(file, src) {
		res, err = translate.Notebook(file, src)
	} else {
		res, err = translate.Python(file, src)
	}
	status := 0
	if err != nil {
		fmt.Fprintf(stderr, "netstar translate: %v\n", err)
		status = 1
		if res.Code == "" {
			return status
		}
	}
	if res.Code != "" && !strings.HasSuffix(res.Code, "\n") {
		res.Code += "\n"
	}
	if out != "" {
		if werr := os.WriteFile(out, []byte(res.Code), 0o644); werr != nil {
			fmt.Fprintf(stderr, "netstar translate: %v\n", werr)
			return 1
		}
	} else {
		io.WriteString(stdout, res.Code)
	}
	for _, t := range res.TODOs {
		fmt.Fprintf(stderr, "%s: TODO %s\n", file, t)
	}
	fmt.Fprintf(stderr, "netstar translate: %s: %d TODO\n", file, len(res.TODOs))
	return status
}

// isNotebook decides by extension, or by content for other names.
func isNotebook(name string, src []byte) bool {
	if strings.HasSuffix(strings.ToLower(name), ".ipynb") {
		return true
	}
	if strings.HasSuffix(strings.ToLower(name), ".py") {
		return false
	}
	s := strings.TrimSpace(string(src))
	return strings.HasPrefix(s, "{") && strings.Contains(s, `"cells"`)
}
