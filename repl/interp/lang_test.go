package interp_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// setLang sets the locale the catalogue reads (builtins/i18n).
func setLang(t *testing.T, lang string) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", lang)
}

// TestInterpMessagesInSpanish: the interpreter's own errors follow the
// locale; Python's exception texts do not.
func TestInterpMessagesInSpanish(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.star": "load('b.star', 'b')\na = 1\n",
		"b.star": "load('a.star', 'a')\nb = 2\n",
	})
	main := filepath.Join(dir, "main.star")
	tests := []struct {
		src    string
		en, es string
	}{
		{"load('missing.star', 'x')\n",
			"Error: cannot load missing.star: not found in " + dir + " (NETSTAR_PATH)",
			"Error: no se puede cargar missing.star: no se encuentra en " + dir + " (NETSTAR_PATH)"},
		{"load('a.star', 'a')\n", "cycle in load graph at a.star", "ciclo en los load() al cargar a.star"},
		{"__import__()\n", "import: want a module name", "import: falta el nombre del módulo"},
		{"__import__(1)\n", "import: module name must be a string, not int", "import: el nombre del módulo debe ser una cadena, no int"},
		// Python's own texts stay Python's.
		{"x = 1 // 0\n", "ZeroDivisionError: integer division or modulo by zero", "ZeroDivisionError: integer division or modulo by zero"},
	}
	for _, lang := range []string{"C", "es_ES.UTF-8"} {
		setLang(t, lang)
		for _, tt := range tests {
			want := tt.en
			if lang != "C" {
				want = tt.es
			}
			_, _, err := run(t, main, tt.src, interp.Config{})
			if err == nil {
				t.Errorf("%s %q: no error", lang, tt.src)
				continue
			}
			if got := interp.FormatError(err); !strings.Contains(got, want) {
				t.Errorf("LANG=%s %q:\n%s\nwant it to contain %q", lang, tt.src, got, want)
			}
		}
	}
}

func TestInternalErrorInSpanish(t *testing.T) {
	setLang(t, "es_ES.UTF-8")
	s := interp.New(interp.Config{})
	defer s.Close()
	err := s.Run(func() error { panic("boom") })
	if err == nil || err.Error() != "error interno: boom (por favor, avísanos)" {
		t.Errorf("Run(panic) = %v", err)
	}
}

// TestLoadUnreadable: a file load() finds but cannot read is "permission
// denied", not "not found", in the user's language.
func TestLoadUnreadable(t *testing.T) {
	for _, tt := range []struct{ lang, want string }{{"C", "permission denied"}, {"es_ES.UTF-8", "permiso denegado"}} {
		setLang(t, tt.lang)
		err := interp.FileError("/x/secret.star", &fs.PathError{Op: "open", Path: "/x/secret.star", Err: syscall.EACCES})
		if got, want := err.Error(), "/x/secret.star: "+tt.want; got != want {
			t.Errorf("LANG=%s: %q, want %q", tt.lang, got, want)
		}
	}
	setLang(t, "C")
	if os.Geteuid() == 0 {
		t.Skip("running as root, who reads every file: the end-to-end check of an unreadable file needs another user")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"secret.star": "x = 1\n", "locked/inner.star": "y = 1\n"})
	if err := os.Chmod(filepath.Join(dir, "secret.star"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "locked"), 0o755) })
	for _, src := range []string{"load('secret.star', 'x')\n", "load('locked/inner.star', 'y')\n"} {
		_, _, err := run(t, filepath.Join(dir, "main.star"), src, interp.Config{})
		if err == nil || !strings.Contains(interp.FormatError(err), "permission denied") || strings.Contains(err.Error(), "not found") {
			t.Errorf("%q: error %v, want permission denied", src, err)
		}
	}
}

// TestLoadedSyntaxErrorNoHint: a syntax error in a loaded
// file is reported with its position, but is not a syntax error of the
// loading program, so no Python hint is offered for the latter.
func TestLoadedSyntaxErrorNoHint(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"syntax.star": "x = )\n"})
	_, _, err := run(t, filepath.Join(dir, "main.star"), "load('syntax.star', 'x')\nprint(x)\n", interp.Config{})
	if err == nil {
		t.Fatal("no error")
	}
	var se syntax.Error
	if errors.As(err, &se) {
		t.Errorf("the loaded file's syntax error is in the chain of the program's error: %v", err)
	}
	var ee *starlark.EvalError
	if !errors.As(err, &ee) || !strings.Contains(interp.FormatError(err), "syntax.star:1:5: syntax error: unexpected ')'") {
		t.Errorf("report = %q", interp.FormatError(err))
	}
}
