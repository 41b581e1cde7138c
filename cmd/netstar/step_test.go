package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/translate"
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

// mustParse checks that netstar's parser accepts code.
func mustParse(t testing.TB, code string) {
	t.Helper()
	if _, err := interp.Parse("out.star", []byte(code)); err != nil {
		t.Fatalf("translation does not parse: %v\n%s", err, code)
	}
}

// waitFor polls cond until it holds (or a generous deadline passes).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var stepNotebook = notebook(
	"x = 1\n",
	"md:Ahora imprimimos x",
	"print(f\"x={x}\")\n",
	"n = input(\"n? \")\nprint(int(n) * 2)\n",
	"x + 1\n",
)

// setLang sets the locale for one test: lang in LANG, with LC_ALL and
// LC_MESSAGES cleared so that the machine's own locale does not leak in.
// "" is no locale at all: English, the default.
func setLang(t *testing.T, lang string) {
	t.Helper()
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", lang)
}

// TestStepAll runs a notebook straight through, its cell headers in the
// locale's language.
func TestStepAll(t *testing.T) {
	for _, tc := range []struct{ lang, cell string }{
		{"", "cell"},
		{"C.UTF-8", "cell"},
		{"es_ES.UTF-8", "celda"},
	} {
		t.Run("LANG="+tc.lang, func(t *testing.T) {
			setLang(t, tc.lang)
			file := writeTemp(t, "nb.ipynb", stepNotebook)
			var out, errb bytes.Buffer
			code := step(stepConfig{Args: []string{file, "--all"}, Stdin: strings.NewReader("21\n"), Stdout: &out, Stderr: &errb})
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errb.String())
			}
			want := strings.ReplaceAll("\n── CELL 1 ──\n\n── CELL 3 ──\nx=1\n\n── CELL 4 ──\nn? 42\n\n── CELL 5 ──\n2\n", "CELL", tc.cell)
			if out.String() != want {
				t.Errorf("stdout:\n%q\nwant:\n%q", out.String(), want)
			}
		})
	}
}

// TestStepInteractive answers the stepper's prompts (in Spanish, the
// course's language).
func TestStepInteractive(t *testing.T) {
	setLang(t, "es_ES.UTF-8")
	file := writeTemp(t, "nb.ipynb", stepNotebook)
	var out, errb bytes.Buffer
	// cell 1: run; cell 3: skip; cell 4: r (reruns cell 1), then run
	// (reads 5); cell 5: q.
	code := step(stepConfig{Args: []string{file}, Stdin: strings.NewReader("\ns\nr\n\n5\nq\n"), Stdout: &out, Stderr: &errb})
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	got := out.String()
	for _, w := range []string{"│ Python", "│ netstar", `print("x={}".format(x))`, "Ahora imprimimos x", "n? 10\n", "── celda 5 ──"} {
		if !strings.Contains(got, w) {
			t.Errorf("stdout lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "x=1") {
		t.Errorf("skipped cell ran:\n%s", got)
	}
	if strings.Contains(got, "\n2\n") {
		t.Errorf("cell after q ran:\n%s", got)
	}
}

func TestStepScriptAndErrors(t *testing.T) {
	setLang(t, "")
	script := "import sys\n\n# paso dos\ndef f(a):\n    return a * 2\n\nprint(f(21))\n\nprint(undefined_name)\n\nprint('sigue')\nsys.exit(4)\n"
	file := writeTemp(t, "s.py", []byte(script))
	cells, err := translate.ScriptCells(file, []byte(script))
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 5 || !strings.HasPrefix(cells[1].Python, "# paso dos\n") {
		t.Fatalf("steps = %d: %+v", len(cells), cells)
	}
	var out, errb bytes.Buffer
	code := step(stepConfig{Args: []string{file, "--all"}, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	if code != 4 {
		t.Errorf("exit %d, want 4 (sys.exit(4)); stderr %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "42\n") || !strings.Contains(out.String(), "sigue\n") {
		t.Errorf("stdout %q", out.String())
	}
	if !strings.Contains(errb.String(), "undefined_name") {
		t.Errorf("stderr %q does not report the failing step", errb.String())
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "missing NOTEBOOK"},
		{[]string{"-h"}, 0, ""},
		{[]string{"--nope"}, 2, "unknown flag --nope"},
		{[]string{filepath.Join(t.TempDir(), "none.ipynb")}, 1, "no such file"},
		{[]string{writeTemp(t, "bad.ipynb", []byte("{"))}, 1, "not a Jupyter notebook"},
		{[]string{writeTemp(t, "bad.py", []byte("def (:\n"))}, 1, "line 1"},
	} {
		var out, errb bytes.Buffer
		if got := step(stepConfig{Args: tc.args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}); got != tc.code || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("step %v: exit %d, stderr %q; want %d and %q", tc.args, got, errb.String(), tc.code, tc.want)
		}
	}
}
