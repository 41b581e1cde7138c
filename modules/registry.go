// Package modules is netstar's plugin registry. Each module package
// registers itself from init, the way database/sql drivers and Caddy
// modules do; the shell builds the predeclared environment from the
// registry and never names a module itself.
//
// A module is added by writing a package that calls Register in its init
// function and importing that package for its side effect from
// modules/standard.
package modules

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.starlark.net/starlark"
)

// Module describes one registered module.
type Module struct {
	// Name is the module's import name ("socket"). It must be a valid
	// identifier.
	Name string
	// Doc is a one-line summary shown by modules() and help().
	Doc string
	// Value is the module itself, usually a *starlarkstruct.Module.
	// Building it must do no I/O: netstar starts with every module.
	Value starlark.Value
	// Docs holds help texts keyed by qualified name ("socket.gethostbyname",
	// "socket.socket.recv"); the key equal to Name is the module's long
	// description. help() shows these.
	Docs map[string]string
}

var (
	mu       sync.RWMutex
	registry = map[string]Module{}
	docs     = map[string]string{}
)

// Register adds a module to the registry. It panics if the name is empty
// or not an identifier, the value is nil, or the name is already taken:
// those are programming errors found at start-up.
func Register(m Module) {
	if !isIdent(m.Name) {
		panic(fmt.Sprintf("modules.Register: invalid module name %q", m.Name))
	}
	if m.Value == nil {
		panic(fmt.Sprintf("modules.Register: module %q has a nil Value", m.Name))
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[m.Name]; dup {
		panic(fmt.Sprintf("modules.Register: module %q registered twice", m.Name))
	}
	registry[m.Name] = m
	for k, v := range m.Docs {
		docs[k] = v
	}
	if _, ok := docs[m.Name]; !ok && m.Doc != "" {
		docs[m.Name] = m.Doc
	}
}

// Lookup returns the module registered under name.
func Lookup(name string) (Module, bool) {
	mu.RLock()
	defer mu.RUnlock()
	m, ok := registry[name]
	return m, ok
}

// Get is Lookup with an error that reads like Python's and lists what is
// available.
func Get(name string) (Module, error) {
	if m, ok := Lookup(name); ok {
		return m, nil
	}
	return Module{}, fmt.Errorf("no module named '%s' (available: %s)", name, strings.Join(Names(), ", "))
}

// Names returns the registered module names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// All returns every registered module, sorted by name.
func All() []Module {
	names := Names()
	mu.RLock()
	defer mu.RUnlock()
	all := make([]Module, len(names))
	for i, name := range names {
		all[i] = registry[name]
	}
	return all
}

// Doc returns the help text registered for a qualified name such as
// "socket.gethostbyname", or "" when there is none.
func Doc(qualified string) string {
	mu.RLock()
	defer mu.RUnlock()
	return docs[qualified]
}

// Predeclared returns the environment every program starts with: the
// registered builtins and every module bound to its name.
func Predeclared() starlark.StringDict {
	mu.RLock()
	defer mu.RUnlock()
	env := make(starlark.StringDict, len(registry)+len(builtins))
	for name, b := range builtins {
		env[name] = b.Value
	}
	for name, m := range registry {
		env[name] = m.Value
	}
	return env
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Builtin describes a global function or value every program sees
// without an import (help, catch, input...).
type Builtin struct {
	Name  string
	Value starlark.Value
	// Doc is the help text, starting with the call's signature.
	Doc string
}

var builtins = map[string]Builtin{}

// RegisterBuiltin adds a global to every program's environment. Like
// Register, it panics on an invalid or duplicate name.
func RegisterBuiltin(b Builtin) {
	if !isIdent(b.Name) || b.Value == nil {
		panic(fmt.Sprintf("modules.RegisterBuiltin: invalid builtin %q", b.Name))
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := builtins[b.Name]; dup {
		panic(fmt.Sprintf("modules.RegisterBuiltin: %q registered twice", b.Name))
	}
	builtins[b.Name] = b
	if b.Doc != "" {
		docs[b.Name] = b.Doc
	}
}

// Builtins returns the registered globals, sorted by name.
func Builtins() []Builtin {
	mu.RLock()
	defer mu.RUnlock()
	all := make([]Builtin, 0, len(builtins))
	for _, b := range builtins {
		all = append(all, b)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// Session is what a module may know about the program it runs in.
type Session interface {
	// Argv returns sys.argv.
	Argv() []string
	// Path returns the directories load() searches (NETSTAR_PATH).
	Path() []string
}

// PerSession is implemented by module values that differ between
// programs (sys, whose argv is the program's). The shell calls
// ForSession once per program and binds the result instead.
type PerSession interface {
	ForSession(Session) starlark.Value
}
