package translate

import (
	"strings"
	"testing"
)

// TestGlobalAcrossCells checks that a notebook, translated as a whole,
// keeps a global that one cell's function rebinds in its cell for every
// cell, as python3 runs the cells one after the other; and that the
// steps of a script (netstar step) share it too.
func TestGlobalAcrossCells(t *testing.T) {
	cells := []string{
		"total = 0\n",
		"def add(n=1):\n    global total, last\n    total += n\n    last = n\n",
		"add()\nadd(4)\nprint(total, last)\n",
		"print(f'{total=}' if False else f'total {total}')\n",
	}
	src := strings.Join(cells, "")
	want, stderr, err := runPython(t, src, nil, "")
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr)
	}
	r, err := Notebook("g.ipynb", notebook(cells...))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.TODOs) > 0 {
		t.Fatalf("TODOs: %v", r.TODOs)
	}
	got, stderr, err := runNetstar(t, r.Code, nil, "")
	if err != nil || got != want {
		t.Errorf("notebook printed %q (%v, %s), python3 %q\n%s", got, err, stderr, want, numbered(r.Code))
	}

	steps, err := ScriptCells("g.py", []byte(strings.Join(cells, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	var code strings.Builder
	for _, c := range steps {
		code.WriteString(c.Code)
	}
	got, stderr, err = runNetstar(t, code.String(), nil, "")
	if err != nil || got != want {
		t.Errorf("steps printed %q (%v, %s), python3 %q\n%s", got, err, stderr, want, numbered(code.String()))
	}
}

// TestNonlocalWithoutBinding is Python's compile error kept as a TODO.
func TestNonlocalWithoutBinding(t *testing.T) {
	r := mustTranslate(t, "n.py", "def f():\n    nonlocal x\n    x = 1\nprint('ok')\n")
	if len(r.TODOs) != 1 || !strings.Contains(r.TODOs[0].Reason, "no binding for nonlocal 'x' found") {
		t.Fatalf("TODOs = %v", r.TODOs)
	}
}

// TestGlobalDictKeepsLines checks that the dict of the globals is made
// on the line of the module's first statement when that one is simple,
// so that the translation's lines stay the source's (errors name the
// student's line), and that it works whatever that statement is.
func TestGlobalDictKeepsLines(t *testing.T) {
	body := "def add():\n    global total\n    total += 1\nadd()\nprint(total)\n"
	for _, tc := range []struct {
		first string
		shift int // lines the translation adds besides its header
	}{
		{"import socket\ntotal = 0\n", 0},
		{"from __future__ import print_function\ntotal = 0\n", 0},
		{"total = 0\n", 0},
		{"'''Docstring.'''\ntotal = 0\n", 0},
		{"total = x = 0\n", 2}, // a = b = v is two lines already
		{"if True:\n    total = 0\n", 1},
	} {
		src := tc.first + body
		want, stderr, err := runPython(t, src, nil, "")
		if err != nil {
			t.Fatalf("python3: %v\n%s", err, stderr)
		}
		r := mustTranslate(t, "k.py", src)
		got, stderr, err := runNetstar(t, r.Code, nil, "")
		if err != nil || got != want {
			t.Errorf("%q: printed %q (%v, %s), python3 %q\n%s", tc.first, got, err, stderr, want, numbered(r.Code))
		}
		pyLine := strings.Count(src, "\n") // print(total) is the last line
		lines := strings.Split(r.Code, "\n")
		at := 0
		for i, l := range lines {
			if strings.HasPrefix(l, "print(") {
				at = i + 1
			}
		}
		if at != pyLine+2+tc.shift { // +2: the header and its blank line
			t.Errorf("%q: print is on line %d of the translation, want %d\n%s", tc.first, at, pyLine+2+tc.shift, numbered(r.Code))
		}
	}
}
