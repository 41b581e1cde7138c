package interp_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netstar/netstar/repl/interp"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	pathDir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"lib/util.star":    "def greet(n):\n    return 'hi ' + n\nname = __name__\n",
		"lib/chain.star":   "load('util.star', 'greet')\ndef twice(n):\n    return greet(n) + '!'\n",
		"lib/shadow.star":  "where = 'beside'\n",
		"cycle/a.star":     "load('b.star', 'b')\na = 1\n",
		"cycle/b.star":     "load('a.star', 'a')\nb = 2\n",
		"bad/broken.star":  "x = 1\ny = 1 // 0\n",
		"bad/syntax.star":  "def (\n",
		"lib/counter.star": "print('loading counter')\nn = [0]\n",
		"lib/mod.star":     "from interptest import alpha\nvalue = alpha\n",
	})
	writeFiles(t, pathDir, map[string]string{
		"onpath.star": "p = 'from path'\n",
		"shadow.star": "where = 'path'\n",
	})
	main := filepath.Join(dir, "lib", "main.star")
	tests := []struct {
		name, src string
		want      string
		wantErr   string
	}{
		{"beside the loading file", "load('util.star', 'greet', 'name')\nprint(greet('x'), name)\n", "hi x util\n", ""},
		{"alias", "load('util.star', hello='greet')\nprint(hello('y'))\n", "hi y\n", ""},
		{"transitive relative to the loaded file", "load('chain.star', 'twice')\nprint(twice('z'))\n", "hi z!\n", ""},
		{"along the path", "load('onpath.star', 'p')\nprint(p)\n", "from path\n", ""},
		{"beside wins over the path", "load('shadow.star', 'where')\nprint(where)\n", "beside\n", ""},
		{"cycle through a relative path", "load('../cycle/b.star', 'b')\n", "", "cycle in load graph"},
		{"cycle", "load('" + filepath.Join(dir, "cycle", "a.star") + "', 'a')\n", "", "cycle in load graph"},
		{"loaded once", "load('counter.star', 'n')\nload('counter.star', m='n')\nprint(n == m)\n", "loading counter\nTrue\n", ""},
		{"loaded module is frozen", "load('counter.star', 'n')\nn.append(1)\n", "loading counter\n", "frozen"},
		{"imports inside loaded files", "load('mod.star', 'value')\nprint(value)\n", "1\n", ""},
		{"registered module name", "load('interptest', 'alpha', d='double')\nprint(alpha, d(3))\n", "1 6\n", ""},
		{"registered module unknown member", "load('interptest', 'nope')\n", "", "nope"},
		{"not found", "load('missing.star', 'x')\n", "", "cannot load missing.star: not found in " + filepath.Join(dir, "lib") + ", " + pathDir + " (NETSTAR_PATH)"},
		{"error in loaded file", "load('../bad/broken.star', 'x')\n", "", "broken.star:2:7"},
		{"syntax error in loaded file", "load('../bad/syntax.star', 'x')\n", "", "syntax.star:1:6: syntax error: not an identifier"},
		{"missing name", "load('util.star', 'nope')\n", "", "load: name nope not found in module util.star"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := run(t, main, tt.src, interp.Config{Path: []string{pathDir}})
			if tt.wantErr == "" && err != nil {
				t.Fatal(interp.FormatError(err))
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(interp.FormatError(err), tt.wantErr)) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if out != tt.want {
				t.Errorf("stdout = %q, want %q", out, tt.want)
			}
		})
	}
}

// A program given on the command line (-c, stdin: a name like "<stdin>")
// loads relative to the current directory.
func TestLoadFromPseudoFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"here.star": "v = 'cwd'\n"})
	t.Chdir(dir)
	out, _, err := run(t, "<stdin>", "load('here.star', 'v')\nprint(v)\n", interp.Config{})
	if err != nil {
		t.Fatal(interp.FormatError(err))
	}
	if out != "cwd\n" {
		t.Errorf("stdout = %q", out)
	}
}
