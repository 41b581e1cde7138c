package sys_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules"
	_ "github.com/netstar/netstar/modules/sys"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

func TestSys(t *testing.T) {
	res := interptest.Run(t, "prog.star", `
assert.eq(dir(sys), ["argv", "exit", "path", "platform", "stderr", "stdout", "version"])
assert.eq(sys.argv, ["prog.star", "-v", "host"])
assert.eq(sys.path, ["/lib/a", "/lib/b"])
assert.eq(sys.platform, PLATFORM)
assert.true(sys.version.startswith("netstar " + VERSION + " (go"))
assert.eq(type(sys.stdout), "file")
assert.fails(lambda: sys.exit(1, 2), "sys.exit: got 2 arguments, want at most 1")
assert.fails(lambda: sys.exit(1 << 40), "sys.exit: exit code 1099511627776 out of range")
sys.argv.append("mine")   # a program may edit its own argv
print(sys.argv[-1])
import sys as s2
assert.eq(s2.argv[-1], "mine")
sys.stderr.write("to stderr\n")
sys.exit(3)
`, interp.Config{
		Argv: []string{"prog.star", "-v", "host"},
		Path: []string{"/lib/a", "/lib/b"},
		Extra: starlark.StringDict{
			"PLATFORM": starlark.String(runtime.GOOS),
			"VERSION":  starlark.String(interp.Version),
		},
	})
	if code, ok := interp.ExitCode(res.Err); !ok || code != 3 {
		t.Errorf("sys.exit(3): %v", res.Err)
	}
	if res.Stdout != "mine\n" || res.Stderr != "to stderr\n" {
		t.Errorf("stdout %q, stderr %q", res.Stdout, res.Stderr)
	}
}

// Each program has its own sys: argv does not leak between sessions, and
// the registered value is not modified.
func TestSysPerSession(t *testing.T) {
	a := interptest.Run(t, "a.star", "sys.argv.append('x')\nn = len(sys.argv)\n", interp.Config{Argv: []string{"a.star"}})
	b := interptest.Run(t, "b.star", "n = len(sys.argv)\n", interp.Config{Argv: []string{"b.star", "1", "2"}})
	if a.Err != nil || b.Err != nil {
		t.Fatal(a.Err, b.Err)
	}
	if a.Globals["n"] != starlark.MakeInt(2) || b.Globals["n"] != starlark.MakeInt(3) {
		t.Errorf("len(sys.argv) = %v and %v, want 2 and 3", a.Globals["n"], b.Globals["n"])
	}
	m, ok := modules.Lookup("sys")
	if !ok {
		t.Fatal("sys not registered")
	}
	argv, _ := m.Value.(starlark.HasAttrs).Attr("argv")
	if argv.(*starlark.List).Len() != 0 {
		t.Errorf("the registered sys.argv = %v, want []", argv)
	}
	if _, ok := m.Value.(modules.PerSession); !ok {
		t.Error("sys is not PerSession")
	}
	if _, ok := m.Value.(interface{ Unwrap() *starlarkstruct.Module }); ok {
		t.Log("sys unwraps to a struct module")
	}
	if got := modules.Doc("sys.exit"); !strings.HasPrefix(got, "exit(code=0)") {
		t.Errorf("Doc(sys.exit) = %q", got)
	}
}
