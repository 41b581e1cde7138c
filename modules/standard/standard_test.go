package standard_test

import (
	"reflect"
	"testing"

	"github.com/netstar/netstar/modules"
	_ "github.com/netstar/netstar/modules/standard"
	"go.starlark.net/starlark"
)

// The exact module and builtin names netstar ships. A package whose
// import line is missing from standard.go drops its module silently; this
// list catches it. Update it when a module is added.
var (
	wantModules  = []string{"errno", "http", "json", "math", "optparse", "socket", "sys", "threading", "time"}
	wantBuiltins = []string{"bin", "bytearray", "bytes", "callable", "catch", "delattr", "divmod", "exit", "filter", "float", "format", "getattr", "help", "hex", "id", "input", "int", "iter", "list", "map", "modules", "next", "oct", "open", "pow", "print", "quit", "repr", "round", "setattr", "sorted", "str", "sum", "table", "tuple"}
	// Members that are built from engine packages of their own; each
	// module declares them itself.
	wantMembers = map[string][]string{"socket": {"resolve", "reverse", "scan", "serve_http"}, "http": {"response"}}
)

func TestStandardModules(t *testing.T) {
	if got := modules.Names(); !reflect.DeepEqual(got, wantModules) {
		t.Errorf("registered modules = %q, want %q", got, wantModules)
	}
	var builtins []string
	for _, b := range modules.Builtins() {
		builtins = append(builtins, b.Name)
		if modules.Doc(b.Name) == "" {
			t.Errorf("builtin %s has no doc", b.Name)
		}
	}
	if !reflect.DeepEqual(builtins, wantBuiltins) {
		t.Errorf("registered builtins = %q, want %q", builtins, wantBuiltins)
	}
	for _, m := range modules.All() {
		if m.Doc == "" {
			t.Errorf("module %s has no one-line Doc", m.Name)
		}
		if _, ok := m.Value.(starlark.HasAttrs); !ok {
			t.Errorf("module %s (%s) has no attributes", m.Name, m.Value.Type())
		}
	}
	for module, members := range wantMembers {
		m, ok := modules.Lookup(module)
		if !ok {
			continue // reported above
		}
		for _, member := range members {
			if v, _ := m.Value.(starlark.HasAttrs).Attr(member); v == nil {
				t.Errorf("%s.%s is missing", module, member)
			}
			if modules.Doc(module+"."+member) == "" {
				t.Errorf("%s.%s has no help text", module, member)
			}
		}
	}
}
