// Package layers states netstar's import rule and checks it: the graph
// of the repository's packages runs one way,
//
//	engines → Python-value helpers → the interpreter → modules and builtins → repl → cmd
//
// Engines (modules/NAME/...: scan, resolve, httpserve, idna, services and
// the test fixtures beside them) know nothing of Starlark and import
// only other engines and pyerr, the Starlark-free model of Python's
// exceptions. The helpers (builtins/NAME: pyerr, pyfmt, codec, table,
// httpvalue) and the registry (modules) may use Starlark but not the
// interpreter. The interpreter (repl/interp, repl/translate) knows no
// module. A module package (modules/NAME) and the builtins package
// register themselves from init, so only modules/standard imports them;
// repl, the interactive front end, imports none of them. cmd imports
// anything.
//
// The rule lives in Check, and the package's test runs it on the real
// graph (go list), so a back-edge fails go test rather than waiting for
// a reviewer.
package layers

import (
	"fmt"
	"slices"
	"strings"
)

// Layer is a package's place in the import order; a package may import
// packages of its own layer or lower ones, never higher.
type Layer int

// The layers, lowest first.
const (
	Engine Layer = iota
	Helper
	Interpreter
	Module
	Frontend
	Command
)

func (l Layer) String() string {
	return [...]string{"engine", "helper", "interpreter", "module", "front end", "command"}[l]
}

// Package is one package of the graph: its path relative to the module
// root ("modules/socket/scan") and its non-test imports (the module's own
// packages relative too; others as they are).
type Package struct {
	Path    string
	Imports []string
}

const starlark = "go.starlark.net"

// LayerOf returns the layer of the package at path, relative to the
// module root, and whether the path is one the rule knows.
func LayerOf(path string) (Layer, bool) {
	parts := strings.Split(path, "/")
	switch {
	case parts[0] == "cmd" || parts[0] == "scripts":
		return Command, true
	case path == "repl":
		return Frontend, true
	case parts[0] == "repl":
		return Interpreter, true
	case path == "builtins" || path == "modules/standard":
		return Module, true
	case parts[0] == "builtins" || path == "modules":
		return Helper, true
	case parts[0] == "modules" && len(parts) == 2:
		return Module, true
	case parts[0] == "modules":
		return Engine, true
	}
	return 0, false
}

// registers reports whether importing path registers a module or the
// builtins (a side effect only modules/standard may cause).
func registers(path string) bool {
	parts := strings.Split(path, "/")
	return path == "builtins" || (parts[0] == "modules" && len(parts) == 2 && path != "modules/standard")
}

// Check returns every violation of the import rule in pkgs, sorted.
func Check(pkgs []Package) []string {
	var bad []string
	for _, p := range pkgs {
		from, ok := LayerOf(p.Path)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: not in any layer (the top level is cmd, repl, builtins, modules, scripts)", p.Path))
			continue
		}
		for _, imp := range p.Imports {
			if imp == starlark || strings.HasPrefix(imp, starlark+"/") {
				if from == Engine || p.Path == "builtins/pyerr" {
					bad = append(bad, fmt.Sprintf("%s: an engine imports %s", p.Path, imp))
				}
				continue
			}
			to, ok := LayerOf(imp)
			if !ok || strings.Contains(strings.Split(imp, "/")[0], ".") {
				continue // outside the module
			}
			switch {
			case p.Path == "builtins/pyerr":
				bad = append(bad, fmt.Sprintf("builtins/pyerr imports %s: it must stay a leaf", imp))
			case from == Engine && imp == "builtins/pyerr":
				// pyerr is a Starlark-free leaf: engines may fail with
				// Python's exceptions.
			case to > from:
				bad = append(bad, fmt.Sprintf("%s (%s) imports %s (%s): a back-edge", p.Path, from, imp, to))
			case registers(imp) && p.Path != "modules/standard" && from != Command:
				bad = append(bad, fmt.Sprintf("%s imports %s, which registers itself: only modules/standard imports it", p.Path, imp))
			}
		}
	}
	slices.Sort(bad)
	return bad
}
