package translate

import (
	"errors"
	"strings"
	"testing"
)

// TestLanguages checks the translator's own words in English, the
// default, and in Spanish under a Spanish locale: the header, the TODO
// line and its reason, TODO.String, a notebook's cell headers, magics
// and errors. Python's own texts (the source, SyntaxError messages) do
// not change.
func TestLanguages(t *testing.T) {
	py := "import tkinter\nx = 2 ** 3\nprint(x)\n"
	nb := notebook("x = 1\n", "!ls\nprint(x)\n")
	for _, tc := range []struct {
		locale string
		want   []string
	}{
		{"", []string{"# Translated from t.py by netstar translate.", "# TODO(netstar): netstar has no module tkinter (it has", "— see scripts/README.md#modules",
			"line 1: netstar has no module tkinter", "# --- cell 1 ---", "(IPython shell command: not run)", "not a Jupyter notebook", "IndentationError"}},
		{"es_ES.UTF-8", []string{"# Traducido de t.py por netstar translate.", "# TODO(netstar): netstar no tiene el módulo tkinter (tiene", "— véase scripts/README.md#modules",
			"línea 1: netstar no tiene el módulo tkinter", "# --- celda 1 ---", "(orden de shell de IPython: no se ejecuta)", "no es un cuaderno Jupyter", "IndentationError"}},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			t.Setenv("LC_ALL", tc.locale)
			r := mustTranslate(t, "t.py", py)
			n, err := Notebook("n.ipynb", nb)
			if err != nil {
				t.Fatal(err)
			}
			_, nbErr := Notebook("bad.ipynb", []byte("{"))
			_, synErr := Python("s.py", []byte("if x:\npass\n"))
			var se *SyntaxError
			if !errors.As(synErr, &se) || se.Msg != "expected an indented block after 'if' statement on line 1" {
				t.Errorf("syntax error %v: Python's text must not change", synErr)
			}
			all := r.Code + "\n" + r.TODOs[0].String() + "\n" + n.Code + "\n" + nbErr.Error() + "\n" + synErr.Error()
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("lacks %q:\n%s", w, all)
				}
			}
			if !strings.Contains(r.Code, "x = 8\n") {
				t.Errorf("the code changed with the language:\n%s", r.Code)
			}
		})
	}
}
