package interp_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testModule is registered once for the whole test binary; its name is
// unique to this package so it cannot clash with a real module.
const testModule = "interptest"

var testModuleValue = &starlarkstruct.Module{
	Name: testModule,
	Members: starlark.StringDict{
		"alpha":   starlark.MakeInt(1),
		"beta":    starlark.String("b"),
		"_hidden": starlark.MakeInt(3),
		"double": starlark.NewBuiltin(testModule+".double", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var n int
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "n", &n); err != nil {
				return nil, err
			}
			return starlark.MakeInt(2 * n), nil
		}),
	},
}

// testSingle has exactly one public member, to exercise the [0] form of
// `from x import *`.
const testSingle = "interptest_single"

func init() {
	modules.Register(modules.Module{Name: testModule, Doc: "interp's test module", Value: testModuleValue})
	modules.Register(modules.Module{Name: testSingle, Doc: "one member", Value: &starlarkstruct.Module{
		Name: testSingle, Members: starlark.StringDict{"only": starlark.MakeInt(42), "_private": starlark.None},
	}})
}

// run executes src as file name in a new session and returns stdout and
// the error. extra adds predeclared names.
func run(t *testing.T, name, src string, cfg interp.Config) (string, starlark.StringDict, error) {
	t.Helper()
	var out bytes.Buffer
	if cfg.Stdout == nil {
		cfg.Stdout = &out
	}
	if cfg.Stderr == nil {
		cfg.Stderr = &out
	}
	if cfg.Input == nil {
		cfg.Input = func(string) (string, error) { return "", os.ErrClosed }
	}
	s := interp.New(cfg)
	defer s.Close()
	th := s.NewThread("test")
	s.Lock()
	g, err := s.ExecFile(th, name, []byte(src))
	s.Unlock()
	return out.String(), g, err
}
