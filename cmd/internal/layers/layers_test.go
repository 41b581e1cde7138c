package layers_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/netstar/netstar/cmd/internal/layers"
)

const module = "github.com/netstar/netstar"

// graph lists the repository's packages and their non-test imports with
// go list.
func graph(t *testing.T) []layers.Package {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("needs the go command: %v", err)
	}
	out, err := exec.Command(goBin, "list", "-json=ImportPath,Imports,Dir,GoFiles", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []layers.Package
	dec := json.NewDecoder(bufio.NewReader(bytes.NewReader(out)))
	for dec.More() {
		var p struct {
			ImportPath, Dir  string
			Imports, GoFiles []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		// Reading the files makes go test's cache depend on them: go
		// list's own reads are invisible to it.
		for _, f := range p.GoFiles {
			if _, err := os.ReadFile(filepath.Join(p.Dir, f)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := os.ReadDir(p.Dir); err != nil {
			t.Fatal(err)
		}
		pkg := layers.Package{Path: rel(p.ImportPath)}
		for _, imp := range p.Imports {
			pkg.Imports = append(pkg.Imports, rel(imp))
		}
		pkgs = append(pkgs, pkg)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

func rel(path string) string {
	if path == module {
		return "."
	}
	return strings.TrimPrefix(path, module+"/")
}

// TestImportRule checks the real graph.
func TestImportRule(t *testing.T) {
	for _, v := range layers.Check(graph(t)) {
		t.Error(v)
	}
}

// TestCheckFindsBackEdges plants each kind of violation in a small graph,
// so the rule itself cannot silently stop working.
func TestCheckFindsBackEdges(t *testing.T) {
	tests := []struct {
		name string
		pkg  layers.Package
		want string
	}{
		{"engine uses pyerr", layers.Package{"modules/socket/resolve", []string{"builtins/pyerr", "modules/socket/idna"}}, ""},
		{"ok", layers.Package{"modules/socket", []string{"modules/socket/scan", "repl/interp", "builtins/pyerr", "go.starlark.net/starlark", "fmt"}}, ""},
		{"engine imports starlark", layers.Package{"modules/socket/scan", []string{"go.starlark.net/starlark"}}, "modules/socket/scan: an engine imports go.starlark.net/starlark"},
		{"engine imports a helper", layers.Package{"modules/http/httpserve", []string{"builtins/pyfmt"}}, "modules/http/httpserve (engine) imports builtins/pyfmt (helper): a back-edge"},
		{"engine imports a module", layers.Package{"modules/socket/scan", []string{"modules/socket"}}, "a back-edge"},
		{"helper imports the interpreter", layers.Package{"builtins/pyfmt", []string{"repl/interp"}}, "builtins/pyfmt (helper) imports repl/interp (interpreter): a back-edge"},
		{"pyerr imports starlark", layers.Package{"builtins/pyerr", []string{"go.starlark.net/starlark"}}, "an engine imports"},
		{"pyerr imports a package", layers.Package{"builtins/pyerr", []string{"modules/socket/idna"}}, "it must stay a leaf"},
		{"interpreter imports a module", layers.Package{"repl/interp", []string{"modules/socket"}}, "a back-edge"},
		{"module imports a module", layers.Package{"modules/http", []string{"modules/socket"}}, "which registers itself"},
		{"module imports builtins", layers.Package{"modules/sys", []string{"builtins"}}, "which registers itself"},
		{"repl imports a module", layers.Package{"repl", []string{"modules/sys"}}, "repl imports modules/sys, which registers itself"},
		{"module imports repl", layers.Package{"modules/socket", []string{"repl"}}, "a back-edge"},
		{"unknown top level", layers.Package{"cli", nil}, "cli: not in any layer"},
		{"standard imports modules", layers.Package{"modules/standard", []string{"modules/socket", "builtins"}}, ""},
		{"cmd imports anything", layers.Package{"cmd/netstar", []string{"modules/standard", "repl", "modules/socket"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := layers.Check([]layers.Package{tt.pkg})
			if tt.want == "" {
				if len(got) != 0 {
					t.Errorf("Check = %q, want nothing", got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Errorf("Check = %q, want one violation containing %q", got, tt.want)
			}
		})
	}
}

// TestTopLevel checks that every package lives under the design's top
// level.
func TestTopLevel(t *testing.T) {
	var tops []string
	for _, p := range graph(t) {
		top := strings.Split(p.Path, "/")[0]
		if !contains(tops, top) {
			tops = append(tops, top)
		}
	}
	allowed := []string{"builtins", "cmd", "modules", "repl", "scripts"}
	for _, top := range tops {
		if !contains(allowed, top) {
			t.Errorf("top-level package %s; the design's top level is %v", top, allowed)
		}
	}
	if reflect.DeepEqual(tops, []string{}) {
		t.Error("no packages")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
