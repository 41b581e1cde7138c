package translate

import (
	"context"
	"strings"

	"github.com/netstar/netstar/repl/interp"
)

// Suggest is the REPL's hook for input that is not valid netstar: if src
// is Python that translates completely (no TODO) into different netstar
// code that parses, it returns that code and true. The REPL can show it
// and ask whether to run it; a script runner can add it to the syntax
// error as a hint. It never fails: anything else returns ("", false).
func Suggest(src string) (string, bool) {
	return SuggestContext(context.Background(), src)
}

// SuggestContext is Suggest that gives up, returning ("", false), when
// ctx is done.
func SuggestContext(ctx context.Context, src string) (string, bool) {
	code, todos, ok := suggest(ctx, src)
	if !ok || len(todos) > 0 {
		return "", false
	}
	code = strings.TrimLeft(code, "\n")
	if strings.TrimSpace(code) == strings.TrimSpace(src) {
		return "", false
	}
	if _, err := interp.Parse("<stdin>", []byte(code)); err != nil {
		return "", false
	}
	return code, true
}

// Untranslatable returns what keeps SuggestContext from translating a
// REPL input that is Python: its TODOs, whose reasons the REPL can show
// instead of netstar's syntax error (a function that rebinds a global,
// for one, is translated in a .py file but not typed input by input).
// It returns nil for input that translates, and for input that is not
// Python.
func Untranslatable(ctx context.Context, src string) []TODO {
	_, todos, ok := suggest(ctx, src)
	if !ok {
		return nil
	}
	return todos
}

// suggest translates one REPL input; ok is false when it is not Python
// (or ctx is done).
func suggest(ctx context.Context, src string) (code string, todos []TODO, ok bool) {
	if strings.TrimSpace(src) == "" {
		return "", nil, false
	}
	if !strings.HasSuffix(src, "\n") {
		src += "\n"
	}
	mod, info, err := parsePython("<stdin>", src)
	if err != nil {
		return "", nil, false
	}
	codes, todos, err := translateUnitsOpts(ctx, "<stdin>", []*unit{{lines: splitLines(src), info: info, mod: mod}}, true)
	if err != nil {
		return "", nil, false
	}
	return codes[0], todos, true
}
