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
