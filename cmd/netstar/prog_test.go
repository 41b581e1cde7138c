package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netstar/netstar/repl/interp/interptest"
)

// fakeBinary writes an executable file named name in a new directory
// under root and returns its path.
func fakeBinary(t *testing.T, root, dir, name string) string {
	t.Helper()
	d := filepath.Join(root, dir)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestProgName covers the three ways netstar is run: by go run, from
// PATH, and by a path that PATH does not lead to.
func TestProgName(t *testing.T) {
	root := t.TempDir()
	onPath := fakeBinary(t, root, "bin", "netstar")
	renamed := fakeBinary(t, root, "bin", "ns")
	elsewhere := fakeBinary(t, root, "build", "netstar")
	goRun := fakeBinary(t, root, "go-build2718281828/b001/exe", "netstar")
	t.Setenv("PATH", filepath.Dir(onPath))
	t.Chdir(filepath.Dir(elsewhere))

	for _, tc := range []struct {
		name, argv0, want string
	}{
		{"go run", goRun, "go run ./cmd/netstar"},
		{"on PATH by name", "netstar", "netstar"},
		{"on PATH by its full path", onPath, "netstar"},
		{"renamed on PATH", renamed, "ns"},
		{"a netstar PATH does not find", elsewhere, elsewhere},
		{"relative, not on PATH", "./netstar", "./netstar"},
		{"missing file", filepath.Join(root, "gone", "netstar"), filepath.Join(root, "gone", "netstar")},
		{"no argv0", "", "netstar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := progName(tc.argv0, exec.LookPath); got != tc.want {
				t.Errorf("progName(%q) = %q, want %q", tc.argv0, got, tc.want)
			}
		})
	}

	// PATH lookups that fail or find nothing leave argv0 as typed.
	noPath := func(string) (string, error) { return "", errors.New("not found") }
	if got := progName(onPath, noPath); got != onPath {
		t.Errorf("progName with nothing on PATH = %q, want %q", got, onPath)
	}
}

// TestRunNamesTheCommand runs netstar as `go run ./cmd/netstar` would:
// the usage texts and the hints name that command, and the default is
// netstar.
func TestRunNamesTheCommand(t *testing.T) {
	const prog = "go run ./cmd/netstar"
	dir := t.TempDir()
	// Long enough that the hint names the translate command instead of
	// showing the translation.
	long := "nombre = 'x'\n" + strings.Repeat("print(f'hola {nombre}')\n", 20)
	script := filepath.Join(dir, "largo.star")
	if err := os.WriteFile(script, []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		prog   string
		status int
		want   []string // lines the output (stdout and stderr) holds
	}{
		{"usage", []string{"-h"}, prog, 0, []string{
			"usage: go run ./cmd/netstar [-i] [FILE.star | FILE.py | - | -c CODE] [ARGS...]",
			"       go run ./cmd/netstar translate FILE.py|FILE.ipynb [-o FILE.star]",
			"  go run ./cmd/netstar                  start the interactive shell (REPL); if standard",
			"                                        input is not a terminal, run the program it holds",
			"  go run ./cmd/netstar scan -h          the non-interactive scanner: shards, resume, rate",
		}},
		{"usage error", []string{"--bogus"}, prog, 2, []string{
			"netstar: flag provided but not defined: -bogus",
			"usage: go run ./cmd/netstar [-i] [FILE.star | FILE.py | - | -c CODE] [ARGS...]",
		}},
		{"default name", []string{"-h"}, "", 0, []string{
			"usage: netstar [-i] [FILE.star | FILE.py | - | -c CODE] [ARGS...]",
			"  netstar                  start the interactive shell (REPL); if standard",
		}},
		{"translate usage", []string{"translate", "-h"}, prog, 0, []string{
			"usage: go run ./cmd/netstar translate FILE.py|FILE.ipynb [-o FILE.star]",
		}},
		{"step usage", []string{"step"}, prog, 2, []string{
			"netstar step: missing NOTEBOOK.ipynb or SCRIPT.py",
			"usage: go run ./cmd/netstar step NOTEBOOK.ipynb|SCRIPT.py [--all] [ARGS...]",
		}},
		{"hint", []string{script}, prog, 1, []string{
			"hint: this is Python that netstar does not run as it is; `go run ./cmd/netstar translate " + script + "` shows the netstar version",
		}},
		{"hint from PATH", []string{script}, "netstar", 1, []string{
			"hint: this is Python that netstar does not run as it is; `netstar translate " + script + "` shows the netstar version",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out interptest.Buffer
			status := run(tc.args, streams{Stdin: stdinFile(t, ""), Stdout: &out, Stderr: &out, Prog: tc.prog})
			if status != tc.status {
				t.Errorf("status %d, want %d", status, tc.status)
			}
			lines := map[string]bool{}
			for _, l := range strings.Split(out.String(), "\n") {
				lines[l] = true
			}
			for _, w := range tc.want {
				if !lines[w] {
					t.Errorf("no line %q in:\n%s", w, out.String())
				}
			}
		})
	}
}
