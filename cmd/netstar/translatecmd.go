// netstar translate: the command around the translate library.

package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/repl/translate"
)

// translateUsage is the usage text of netstar translate, run as prog,
// in the locale's language.
func translateUsage(prog string) string {
	return i18n.T("translate.usage", prog)
}

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
				fmt.Fprintf(stderr, "netstar translate: %s\n%s", i18n.T("translate.needsOutput"), translateUsage(prog))
				return 2
			}
			out = args[i+1]
			i++
		case strings.HasPrefix(a, "-o="):
			out = a[3:]
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(stderr, "netstar translate: %s\n%s", i18n.T("cli.flag.unknown", a), translateUsage(prog))
			return 2
		case file != "":
			fmt.Fprintf(stderr, "netstar translate: %s\n%s", i18n.T("translate.oneFile", file, a), translateUsage(prog))
			return 2
		default:
			file = a
		}
	}
	if file == "" {
		fmt.Fprintf(stderr, "netstar translate: %s\n%s", i18n.T("translate.missing"), translateUsage(prog))
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
