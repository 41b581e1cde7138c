package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/repl/interp/interptest"
)

// The locales the language tests run under: none (the default),
// C, and Spanish, each with what netstar must then say.
var langs = []struct {
	name string
	env  []string // LC_ALL, LC_MESSAGES, LANG
	es   bool
}{
	{"unset", []string{"", "", ""}, false},
	{"LANG=C", []string{"", "", "C"}, false},
	{"LANG=en_US.UTF-8", []string{"", "", "en_US.UTF-8"}, false},
	{"LANG=es_ES.UTF-8", []string{"", "", "es_ES.UTF-8"}, true},
	{"LC_MESSAGES=es_MX", []string{"", "es_MX", "C"}, true},
	{"LC_ALL=es over LANG=C", []string{"es_ES.UTF-8", "", "C"}, true},
	{"LC_ALL=C over LANG=es", []string{"C", "es_ES.UTF-8", "es_ES.UTF-8"}, false},
}

// TestRunLanguages runs the command in-process under each locale: its
// usage, its errors, help() and its hints are in the locale's language,
// while Python's own exception texts stay as Python prints them.
func TestRunLanguages(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "falta.py")
	big := filepath.Join(dir, "noexec.py")
	if err := os.WriteFile(big, []byte("import os\nos.fork()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type want struct{ en, es string }
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		// stdout and stderr are regular expressions that must match
		// somewhere in each stream.
		stdout, stderr want
	}{
		{name: "usage", args: []string{"-h"},
			stdout: want{`^usage: netstar \[-i\] \[FILE\.star .*\n(?s:.*)run a Python script as written(?s:.*)Exit status: 0 ok`,
				`^uso: netstar \[-i\] \[ARCHIVO\.star .*\n(?s:.*)ejecuta un script de Python tal cual(?s:.*)Estado de salida: 0 bien`}},
		{name: "unknown flag", args: []string{"--nada"}, status: 2,
			stderr: want{`^netstar: flag provided but not defined: -nada\nusage: `, `^netstar: opción no definida: -nada\nuso: `}},
		{name: "flag without its argument", args: []string{"-c"}, status: 2,
			stderr: want{`^netstar: flag needs an argument: -c\n`, `^netstar: a la opción -c le falta un argumento\n`}},
		{name: "-i alone", args: []string{"-i"}, status: 2,
			stderr: want{`^netstar: -i needs a FILE or -c CODE\n`, `^netstar: -i necesita un ARCHIVO o -c CÓDIGO\n`}},
		{name: "missing file", args: []string{missing}, status: 2,
			stderr: want{`^netstar: can't open file '.*falta\.py': no such file or directory\n$`,
				`^netstar: no se puede abrir el archivo '.*falta\.py': no existe el archivo o el directorio\n$`}},
		{name: "help() intro", args: []string{"-c", "help()"},
			stdout: want{`^netstar: a scriptable network shell .*\n\nhelp\(x\) shows the documentation(?s:.*)MODULE +│ DESCRIPTION(?s:.*)Built-in functions: `,
				`^netstar: un intérprete de red programable .*\n\nhelp\(x\) muestra la documentación(?s:.*)MÓDULO +│ DESCRIPCIÓN(?s:.*)Funciones integradas: `}},
		{name: "help of a module", args: []string{"-c", `help("time")`},
			stdout: want{`^Help on module time:\n\nNAME\n    time - `, `^Ayuda del módulo time:\n\nNOMBRE\n    time - `}},
		{name: "help of nothing", args: []string{"-c", `help("nada")`},
			stdout: want{`^No documentation found for "nada"\. Try help\(\) for a list\.\n$`, `^No hay documentación para "nada"\. Prueba help\(\) para ver la lista\.\n$`}},
		{name: "Python hint", args: []string{"-c", `print(f"{1 + 1}")`}, status: 1,
			stderr: want{`\nhint: this is Python that netstar does not run as it is; in netstar it reads:\n\nprint\(`,
				`\npista: esto es Python que netstar no ejecuta tal cual; en netstar se escribe así:\n\nprint\(`}},
		{name: "translate usage error", args: []string{"translate"}, status: 2,
			stderr: want{`^netstar translate: missing FILE\.py or FILE\.ipynb\nusage: netstar translate `,
				`^netstar translate: falta ARCHIVO\.py o ARCHIVO\.ipynb\nuso: netstar translate `}},
		{name: "step usage error", args: []string{"step", "--nada"}, status: 2,
			stderr: want{`^netstar step: unknown flag --nada\nusage: netstar step `, `^netstar step: opción desconocida --nada\nuso: netstar step `}},
		// Python's own exception texts stay Python's in every language.
		{name: "Python's ValueError", args: []string{"-c", `int("x")`}, status: 1,
			stderr: want{`ValueError: invalid literal for int\(\) with base 10: 'x'\n`, `ValueError: invalid literal for int\(\) with base 10: 'x'\n`}},
		{name: "Python's SyntaxError for a NUL", args: []string{"-c", "x = 1\x00"}, status: 1,
			stderr: want{`SyntaxError: source code cannot contain null bytes\n`, `SyntaxError: source code cannot contain null bytes\n`}},
	} {
		for _, l := range langs {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				t.Setenv("LC_ALL", l.env[0])
				t.Setenv("LC_MESSAGES", l.env[1])
				t.Setenv("LANG", l.env[2])
				var stdout, stderr interptest.Buffer
				status := run(tc.args, streams{Stdin: stdinFile(t, ""), Stdout: &stdout, Stderr: &stderr})
				if status != tc.status {
					t.Errorf("status %d, want %d; stderr:\n%s", status, tc.status, stderr.String())
				}
				for _, s := range []struct {
					name, got string
					want      want
				}{{"stdout", stdout.String(), tc.stdout}, {"stderr", stderr.String(), tc.stderr}} {
					re := s.want.en
					if l.es {
						re = s.want.es
					}
					if re == "" {
						continue
					}
					if !regexp.MustCompile(re).MatchString(s.got) {
						t.Errorf("%s:\n%s\nwant it to match:\n%s", s.name, s.got, re)
					}
				}
			})
		}
	}
}

// TestREPLLanguages types into the REPL, on a pty, under each locale:
// the banner, help()'s intro, the note after running Python and
// netstar's own errors are in the locale's language; Python's exception
// texts are not translated.
func TestREPLLanguages(t *testing.T) {
	type texts struct{ banner, help, note, notFound string }
	english := texts{
		banner:   `netstar \S+ — Starlark with Python's socket API\. help\(\) for help, Ctrl-D to exit\.`,
		help:     `help\(x\) shows the documentation of a module, function or method;`,
		note:     `\x1b\[2m\(Python translated to netstar and run\)\x1b\[0m`,
		notFound: `No documentation found for "nada"\. Try help\(\) for a list\.`,
	}
	spanish := texts{
		banner:   `netstar \S+ — Starlark con la API de sockets de Python\. help\(\) para ayuda, Ctrl-D para salir\.`,
		help:     `help\(x\) muestra la documentación de un módulo, una función o un método;`,
		note:     `\x1b\[2m\(Python traducido a netstar y ejecutado\)\x1b\[0m`,
		notFound: `No hay documentación para "nada"\. Prueba help\(\) para ver la lista\.`,
	}
	for _, l := range langs {
		t.Run(l.name, func(t *testing.T) {
			want := english
			if l.es {
				want = spanish
			}
			tm := startREPL(t, history(t), "LC_ALL="+l.env[0], "LC_MESSAGES="+l.env[1], "LANG="+l.env[2])
			tm.mu.Lock()
			banner := tm.out.String()
			tm.mu.Unlock()
			if !regexp.MustCompile(want.banner).MatchString(banner) {
				t.Errorf("banner:\n%q\nwant it to match %q", banner, want.banner)
			}
			tm.send("help()\r")
			tm.expect(want.help)
			tm.expect(`>>> `)
			tm.send(`help("nada")` + "\r")
			tm.expect(want.notFound)
			tm.send("n = 6\r")
			tm.send(`print(f"n es {n * 7}")` + "\r")
			tm.expect(want.note)
			tm.expect(`n es 42`)
			tm.send(`int("x")` + "\r")
			tm.expect(`ValueError: invalid literal for int\(\) with base 10: 'x'`)
			tm.send("\x04")
			if status := tm.wait(); status != 0 {
				t.Errorf("exit status after Ctrl-D = %d, want 0", status)
			}
		})
	}
}

// TestTodoAdviceInCatalogue checks the keys that reportTODOs looks up
// by the guide's section, which the catalogue's own test cannot see.
func TestTodoAdviceInCatalogue(t *testing.T) {
	keys := []string{}
	for _, key := range todoAdvice {
		keys = append(keys, key)
	}
	keys = append(keys, "errno.ENOENT", "errno.EACCES", "errno.EISDIR", "errno.ENOTDIR")
	for _, key := range keys {
		for _, l := range []i18n.Lang{i18n.English, i18n.Spanish} {
			if !i18n.Has(key, l) {
				t.Errorf("%s: no %v text in the catalogue", key, l)
			}
		}
	}
}
