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
	if strings.TrimSpace(src) == "" {
		return "", false
	}
	if !strings.HasSuffix(src, "\n") {
		src += "\n"
	}
	mod, info, err := parsePython("<stdin>", src)
	if err != nil {
		return "", false
	}
	codes, todos, err := translateUnitsContext(ctx, "<stdin>", []*unit{{lines: splitLines(src), info: info, mod: mod}})
	if err != nil || len(todos) > 0 {
		return "", false
	}
	code := strings.TrimLeft(codes[0], "\n")
	if strings.TrimSpace(code) == strings.TrimSpace(src) {
		return "", false
	}
	if _, err := interp.Parse("<stdin>", []byte(code)); err != nil {
		return "", false
	}
	return code, true
}
