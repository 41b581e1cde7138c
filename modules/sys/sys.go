// Package sys registers the sys module: argv, exit, version, platform,
// path, stdin, stdout and stderr, as in Python.
package sys

import (
	"fmt"
	"runtime"

	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is the sys module as registered; each program gets a copy whose
// argv and path are its own (see ForSession).
//
//	argv        the script's path and arguments, a list of strings
//	def exit(code=0)
//	version     netstar's version string
//	platform    "linux", "darwin"... (Go's GOOS)
//	path        the directories load() searches (NETSTAR_PATH)
//	stdout, stderr   file-like values with write(s) and flush()
//	stdin       the program's input: readline(), read(), readlines(),
//	            for line in sys.stdin, next(sys.stdin); lines keep their "\n"
var Module = &module{newModule(nil, nil, &stdin{})}

type module struct{ *starlarkstruct.Module }

var _ modules.PerSession = (*module)(nil)

// ForSession returns the sys module of one program.
func (m *module) ForSession(s modules.Session) starlark.Value {
	return newModule(s.Argv(), s.Path(), newStdin(s))
}

func newModule(argv, path []string, in *stdin) *starlarkstruct.Module {
	return &starlarkstruct.Module{
		Name: "sys",
		Members: starlark.StringDict{
			"argv":     stringList(argv),
			"path":     stringList(path),
			"exit":     exitBuiltin,
			"version":  starlark.String(fmt.Sprintf("netstar %s (%s, %s/%s)", interp.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)),
			"platform": starlark.String(runtime.GOOS),
			"stdout":   interp.Stdout,
			"stderr":   interp.Stderr,
			"stdin":    in,
		},
	}
}

func stringList(ss []string) *starlark.List {
	vs := make([]starlark.Value, len(ss))
	for i, s := range ss {
		vs[i] = starlark.String(s)
	}
	return starlark.NewList(vs)
}

var exitBuiltin = starlark.NewBuiltin("sys.exit", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var code starlark.Value = starlark.None
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &code); err != nil {
		return nil, err
	}
	return nil, interp.Exit(b.Name(), code)
})

func init() {
	modules.Register(modules.Module{
		Name:  "sys",
		Doc:   "the program's arguments, exit status and standard streams",
		Value: Module,
		Docs: map[string]string{
			"sys.exit": "exit(code=0)\nEnds the program with status code; a string is printed to stderr and gives status 1.",
		},
	})
}
