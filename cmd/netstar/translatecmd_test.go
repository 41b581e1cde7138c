package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTranslateMain(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.py", "try:\n    x = int('4')\nexcept ValueError:\n    x = 0\nprint(f'{x}')\n")
	todo := write("todo.py", "import tkinter\ndef g():\n    yield 1\nprint(1)\n")
	bad := write("bad.py", "x = (1,\nprint 'hola'\n")
	py2 := write("py2.py", "print 'hola'\n")
	nb := write("nb.ipynb", string(notebook("x = 1\n", "def (:\n", "print(x)\n")))
	notnb := write("notnb.ipynb", "hola")
	out := filepath.Join(dir, "out.star")

	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stdout     string // substring
		stderr     string // substring
		noStdout   bool
		checkParse bool
	}{
		{name: "good", args: []string{good}, code: 0, stdout: "= catch(", stderr: "good.py: 0 TODO", checkParse: true},
		{name: "todos counted", args: []string{todo}, code: 0, stdout: "# TODO(netstar): netstar has no module tkinter", stderr: "todo.py: 2 TODO", checkParse: true},
		{name: "-o writes the file", args: []string{good, "-o", out}, code: 0, stderr: "0 TODO", noStdout: true},
		{name: "not Python", args: []string{bad}, code: 1, stderr: "bad.py: line 1, column 5: '(' was never closed", noStdout: true},
		{name: "python 2 print", args: []string{py2}, code: 1, stderr: "Python 2 print statement", noStdout: true},
		{name: "notebook with a bad cell", args: []string{nb}, code: 1, stdout: "# --- cell 3 ---\nprint(x)", stderr: "nb.ipynb: cell 2: line 1"},
		{name: "not a notebook", args: []string{notnb}, code: 1, stderr: "not a Jupyter notebook", noStdout: true},
		{name: "missing file", args: []string{filepath.Join(dir, "none.py")}, code: 1, stderr: "no such file", noStdout: true},
		{name: "no args", args: nil, code: 2, stderr: "missing FILE.py"},
		{name: "two files", args: []string{good, todo}, code: 2, stderr: "one file at a time"},
		{name: "-o without file", args: []string{good, "-o"}, code: 2, stderr: "-o needs a file name"},
		{name: "help", args: []string{"-h"}, code: 0, stdout: "usage: netstar translate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := translateMain("netstar", tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
			if tc.stdout != "" && !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout.String())
			}
			if tc.stderr != "" && !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr.String())
			}
			if tc.noStdout && stdout.Len() > 0 {
				t.Errorf("unexpected stdout %q", stdout.String())
			}
			if tc.checkParse {
				mustParse(t, stdout.String())
			}
		})
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "= catch(") {
		t.Errorf("-o file: %v %q", err, b)
	}
}
