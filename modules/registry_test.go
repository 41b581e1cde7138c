package modules_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

func newModule(name string, members starlark.StringDict) *starlarkstruct.Module {
	if members == nil {
		members = starlark.StringDict{}
	}
	return &starlarkstruct.Module{Name: name, Members: members}
}

// mustPanic runs f and returns the panic message, failing if f returns.
func mustPanic(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Errorf("no panic")
		}
		msg = fmt.Sprint(r)
	}()
	f()
	return ""
}

func TestRegisterValidation(t *testing.T) {
	modules.Register(modules.Module{Name: "regtest_dup", Doc: "d", Value: newModule("regtest_dup", nil)})
	tests := []struct {
		name string
		m    modules.Module
		want string
	}{
		{"empty name", modules.Module{Value: newModule("x", nil)}, `modules.Register: invalid module name ""`},
		{"not an identifier", modules.Module{Name: "my-mod", Value: newModule("x", nil)}, `invalid module name "my-mod"`},
		{"leading digit", modules.Module{Name: "1mod", Value: newModule("x", nil)}, `invalid module name "1mod"`},
		{"dotted", modules.Module{Name: "a.b", Value: newModule("x", nil)}, `invalid module name "a.b"`},
		{"nil value", modules.Module{Name: "regtest_nil"}, `modules.Register: module "regtest_nil" has a nil Value`},
		{"duplicate", modules.Module{Name: "regtest_dup", Value: newModule("regtest_dup", nil)}, `modules.Register: module "regtest_dup" registered twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := mustPanic(t, func() { modules.Register(tt.m) })
			if !strings.Contains(msg, tt.want) {
				t.Errorf("panic %q, want %q", msg, tt.want)
			}
		})
	}
	if _, ok := modules.Lookup("regtest_nil"); ok {
		t.Error("a rejected module was registered")
	}
}

func TestLookupAndGet(t *testing.T) {
	value := newModule("regtest_lookup", nil)
	modules.Register(modules.Module{Name: "regtest_lookup", Doc: "lookup doc", Value: value,
		Docs: map[string]string{"regtest_lookup.fn": "fn()\nDoes fn."}})
	m, ok := modules.Lookup("regtest_lookup")
	if !ok || m.Value != value || m.Doc != "lookup doc" {
		t.Fatalf("Lookup = %+v, %v", m, ok)
	}
	if m, err := modules.Get("regtest_lookup"); err != nil || m.Value != value {
		t.Errorf("Get = %+v, %v", m, err)
	}
	_, err := modules.Get("nosuch")
	want := "no module named 'nosuch' (available: " + strings.Join(modules.Names(), ", ") + ")"
	if err == nil || err.Error() != want {
		t.Errorf("Get(nosuch) error = %v, want %q", err, want)
	}
	if !strings.Contains(err.Error(), "regtest_lookup") {
		t.Errorf("error %q does not list the registered module", err)
	}
	if _, ok := modules.Lookup("nosuch"); ok {
		t.Error("Lookup(nosuch) succeeded")
	}
	if got := modules.Doc("regtest_lookup.fn"); got != "fn()\nDoes fn." {
		t.Errorf("Doc(regtest_lookup.fn) = %q", got)
	}
	if got := modules.Doc("regtest_lookup"); got != "lookup doc" {
		t.Errorf("Doc(module) = %q, want its one-line Doc when Docs has no long text", got)
	}
	if got := modules.Doc("nosuch.fn"); got != "" {
		t.Errorf("Doc(nosuch.fn) = %q", got)
	}
}

func TestNamesSorted(t *testing.T) {
	for _, n := range []string{"regtest_zz", "regtest_aa", "regtest_mm"} {
		modules.Register(modules.Module{Name: n, Value: newModule(n, nil)})
	}
	names := modules.Names()
	if !sort.StringsAreSorted(names) {
		t.Errorf("Names() = %q, not sorted", names)
	}
	all := modules.All()
	if len(all) != len(names) {
		t.Fatalf("All() has %d modules, Names() %d", len(all), len(names))
	}
	for i, m := range all {
		if m.Name != names[i] {
			t.Errorf("All()[%d] = %s, want %s", i, m.Name, names[i])
		}
	}
	env := modules.Predeclared()
	for _, n := range names {
		if env[n] == nil {
			t.Errorf("Predeclared() lacks module %s", n)
		}
	}
}

func TestRegisterBuiltin(t *testing.T) {
	fn := starlark.NewBuiltin("regtest_fn", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		return starlark.None, nil
	})
	modules.RegisterBuiltin(modules.Builtin{Name: "regtest_fn", Value: fn, Doc: "regtest_fn()\nA test builtin."})
	modules.RegisterBuiltin(modules.Builtin{Name: "regtest_afn", Value: fn})
	if modules.Predeclared()["regtest_fn"] != fn {
		t.Error("a registered builtin is not predeclared")
	}
	if got := modules.Doc("regtest_fn"); got != "regtest_fn()\nA test builtin." {
		t.Errorf("Doc(regtest_fn) = %q", got)
	}
	bs := modules.Builtins()
	if !sort.SliceIsSorted(bs, func(i, j int) bool { return bs[i].Name < bs[j].Name }) {
		t.Error("Builtins() not sorted")
	}
	for _, tt := range []struct {
		b    modules.Builtin
		want string
	}{
		{modules.Builtin{Name: "", Value: fn}, `modules.RegisterBuiltin: invalid builtin ""`},
		{modules.Builtin{Name: "a b", Value: fn}, `invalid builtin "a b"`},
		{modules.Builtin{Name: "regtest_nilfn"}, `invalid builtin "regtest_nilfn"`},
		{modules.Builtin{Name: "regtest_fn", Value: fn}, `modules.RegisterBuiltin: "regtest_fn" registered twice`},
	} {
		if msg := mustPanic(t, func() { modules.RegisterBuiltin(tt.b) }); !strings.Contains(msg, tt.want) {
			t.Errorf("panic %q, want %q", msg, tt.want)
		}
	}
}

// Register and lookups may run concurrently (go test -race checks).
func TestConcurrentAccess(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			n := fmt.Sprintf("regtest_conc%d", i)
			modules.Register(modules.Module{Name: n, Value: newModule(n, nil)})
		}
	}()
	for i := 0; i < 50; i++ {
		modules.Names()
		modules.Predeclared()
		modules.Lookup("regtest_conc1")
	}
	<-done
	if _, ok := modules.Lookup("regtest_conc49"); !ok {
		t.Error("concurrently registered module missing")
	}
}
