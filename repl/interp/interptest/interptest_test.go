package interptest_test

import (
	"strings"
	"testing"

	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"

	_ "github.com/netstar/netstar/builtins" // input()
	"go.starlark.net/starlark"
)

// reporter records what a failed assert reports.
type reporter struct {
	testing.TB
	errors []string
}

func (r *reporter) Error(args ...any) {
	for _, a := range args {
		r.errors = append(r.errors, a.(string))
	}
}

func TestRun(t *testing.T) {
	res := interptest.Run(t, "t.star", "print('hi')\nx = extra + 1\nassert.eq(x, 3)\n", interp.Config{Extra: starlark.StringDict{"extra": starlark.MakeInt(2)}})
	if res.Err != nil || res.Stdout != "hi\n" || res.Globals["x"] != starlark.MakeInt(3) {
		t.Errorf("Run = %+v", res)
	}
	res = interptest.Run(t, "t.star", "input()\n", interp.Config{})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "EOF") {
		t.Errorf("input() without Config.Input = %v, want end of file", res.Err)
	}
	r := &reporter{TB: t}
	interptest.Run(r, "t.star", "assert.eq(1, 2)\n", interp.Config{})
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "1 != 2") {
		t.Errorf("failed assert reported %q", r.errors)
	}
}
