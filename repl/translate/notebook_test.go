package translate

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// notebook builds an nbformat 4 notebook; a cell starting with "md:" is
// markdown.
func notebook(cells ...string) []byte {
	var list []map[string]any
	for _, c := range cells {
		if md, ok := strings.CutPrefix(c, "md:"); ok {
			list = append(list, map[string]any{"cell_type": "markdown", "metadata": map[string]any{}, "source": md})
			continue
		}
		list = append(list, map[string]any{"cell_type": "code", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil,
			"source": strings.SplitAfter(c, "\n")})
	}
	b, _ := json.Marshal(map[string]any{"cells": list, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5})
	return b
}

func TestCourseNotebook(t *testing.T) {
	src, err := os.ReadFile("testdata/curso.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	cells, err := NotebookCells("curso.ipynb", src)
	if err != nil {
		t.Fatal(err)
	}
	var code []Cell
	for _, c := range cells {
		if !c.Markdown {
			code = append(code, c)
		}
		if len(c.TODOs) > 0 {
			t.Errorf("cell %d: TODOs %v", c.Number, c.TODOs)
		}
	}
	fixtures := courseFixtures(t)
	if len(code) != len(fixtures) {
		t.Fatalf("%d code cells, want %d (one per course example)", len(code), len(fixtures))
	}
	// The cells are the fixtures, in the course's order.
	for i, f := range fixtures {
		want, _ := os.ReadFile(f)
		if strings.TrimSpace(code[i].Python) != strings.TrimSpace(string(want)) {
			t.Errorf("code cell %d is not %s", i+1, filepath.Base(f))
		}
	}
	r, err := Notebook("curso.ipynb", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# --- cell 3 ---\nimport socket\n\ndir(socket)", "# ## 3. Recopilación de información con sockets", "def __ns_try_5():"} {
		if !strings.Contains(r.Code, w) {
			t.Errorf("notebook translation lacks %q", w)
		}
	}
	if len(r.TODOs) != 0 {
		t.Errorf("TODOs: %v", r.TODOs)
	}
	mustParse(t, r.Code)
}

func TestNotebookBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want string
	}{
		{"not JSON", "print('hola')\n", "not a Jupyter notebook (invalid JSON"},
		{"not a notebook", `{"a": 1}`, `no "cells" list`},
		{"nbformat 3", `{"cells": [], "nbformat": 3}`, "nbformat 3 is not supported"},
		{"empty", `{"cells": [], "nbformat": 4}`, "the notebook has no cells"},
		{"bad source", `{"cells": [{"cell_type": "code", "source": 3}], "nbformat": 4}`, "cell 1: source is neither"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Notebook("x.ipynb", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if r.Code != "" {
				t.Errorf("code for a bad notebook: %q", r.Code)
			}
		})
	}
}

func TestNotebookSyntaxErrorKeepsOtherCells(t *testing.T) {
	src := notebook("x = 1\n", "md:texto", "def f(:\n    pass\n", "print(f'{x}')\n")
	r, err := Notebook("nb.ipynb", src)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *SyntaxError", err)
	}
	if se.Cell != 3 || se.Line != 1 || se.Col == 0 {
		t.Errorf("error at cell %d line %d col %d, want cell 3 line 1 and a column", se.Cell, se.Line, se.Col)
	}
	if !strings.Contains(err.Error(), "nb.ipynb: cell 3: line 1, column") {
		t.Errorf("message %q does not name cell, line and column", err)
	}
	for _, w := range []string{"# --- cell 1 ---\nx = 1", "# --- cell 3 ---\n# ERROR(netstar):", "# def f(:", `print('{}'.format(x))`} {
		if !strings.Contains(r.Code, w) {
			t.Errorf("output lacks %q:\n%s", w, r.Code)
		}
	}
	mustParse(t, r.Code)
}

func TestNotebookMagics(t *testing.T) {
	src := notebook("!pip install requests\n%time x = 2\n%matplotlib inline\nprint(x)\n", "%%bash\nls -l\n", "%%time\ny = x + 1\n")
	r, err := Notebook("m.ipynb", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# !pip install requests  (IPython shell command: not run)", "x = 2  # %time", "# %matplotlib inline", "# TODO(netstar): cell magic %%bash is not Python", "# ls -l", "y = x + 1"} {
		if !strings.Contains(r.Code, w) {
			t.Errorf("output lacks %q:\n%s", w, r.Code)
		}
	}
	if len(r.TODOs) != 1 || r.TODOs[0].Cell != 2 {
		t.Errorf("TODOs = %v, want one for cell 2", r.TODOs)
	}
	mustParse(t, r.Code)
	out, _, err := runNetstar(t, r.Code, nil, "")
	if err != nil || out != "2\n" {
		t.Errorf("run: %q, %v", out, err)
	}
}
