package scancmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLanguage: netstar scan's usage and its own messages are English
// by default and Spanish under a Spanish locale, with POSIX's
// precedence (LC_ALL, then LC_MESSAGES, then LANG).
func TestLanguage(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "t.txt")
	os.WriteFile(list, []byte("10.0.0.0/24\n10.0.1.0/24\n"), 0o644)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"usage, no locale", nil, []string{"-h"}, []string{"usage: netstar scan TARGETS...", "read targets from FILE", "-iL FILE"}},
		{"usage, LANG=es_ES.UTF-8", map[string]string{"LANG": "es_ES.UTF-8"}, []string{"-h"},
			[]string{"uso: netstar scan OBJETIVOS...", "Códigos de salida: 0 hecho", "-iL ARCHIVO", "leer los objetivos de ARCHIVO", "escribir JSON Lines en ARCHIVO"}},
		{"usage, LC_ALL=C wins over LANG=es", map[string]string{"LANG": "es_ES.UTF-8", "LC_ALL": "C"}, []string{"-h"}, []string{"usage: netstar scan TARGETS..."}},
		{"usage, LC_MESSAGES=es_MX", map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_MX"}, []string{"-h"}, []string{"uso: netstar scan OBJETIVOS..."}},
		{"budget, LANG=es", map[string]string{"LANG": "es"}, []string{"10.9.0.0/24", "-iL", list, "--max-hosts", "512"},
			[]string{`t.txt:2: objetivo "10.0.1.0/24": los objetivos suman más de 512 hosts (--max-hosts)`}},
		{"usage errors, LANG=es", map[string]string{"LANG": "es_ES.UTF-8"}, []string{"127.0.0.1", "-Pn", "-sn"}, []string{"-Pn y -sn: da solo uno"}},
		{"two -p, LANG=es", map[string]string{"LANG": "es"}, []string{"127.0.0.1", "-p", "1", "-p", "2"}, []string{"-p 1 -p 2: solo se admite una opción -p; separa varios rangos con comas (como en nmap: -p 1,2)"}},
		{"no targets, LANG=es", map[string]string{"LANG": "es"}, []string{"-p", "1"}, []string{"no hay objetivos: nómbralos como argumentos o con -iL ARCHIVO"}},
		{"two templates, LANG=es", map[string]string{"LANG": "es"}, []string{"127.0.0.1", "-T4", "-T5"}, []string{"-T4 y -T5: da una sola plantilla de tiempos"}},
		{"two -p, no locale", nil, []string{"127.0.0.1", "-p", "1", "-p", "2"}, []string{"-p 1 -p 2: Only 1 -p option allowed"}},
		{"unknown option, LANG=es", map[string]string{"LANG": "es_ES"}, []string{"127.0.0.1", "--nope"}, []string{"ejecuta 'netstar scan -h' para ver las opciones"}},
		{"a device as checkpoint, LANG=es", map[string]string{"LANG": "es_ES"}, []string{"127.0.0.1", "-p", "1", "--resume", "/dev/null"}, []string{"--resume /dev/null: no es un archivo normal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runScan(t, tt.env, tt.args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
	// A resume that finds a forged record, in Spanish.
	forged := filepath.Join(dir, "forged.ckpt")
	scanArgs := []string{"127.0.0.1", "-p", "1-20", "-Pn", "--seed", "4", "--resume", forged, "-oJ", filepath.Join(dir, "f.jsonl")}
	if code, _, errs := runScan(t, nil, scanArgs...); code != 0 {
		t.Fatal(errs)
	}
	data, _ := os.ReadFile(forged)
	os.WriteFile(forged, []byte(strings.Replace(string(data), `"ip":"127.0.0.1"`, `"ip":"10.1.2.3"`, 1)), 0o644)
	code, _, errs := runScan(t, map[string]string{"LANG": "es_ES.UTF-8"}, scanArgs...)
	for _, w := range []string{"aviso: --resume " + forged + ": línea 2: la posición ", "tiene 10.1.2.3 puerto", "pero el recorrido sondea ahí 127.0.0.1 puerto", ": descartado",
		"reanudando desde " + forged + ": 19 de 20 sondeos registrados (1 descartados); los 1 que faltan se sondean de nuevo"} {
		if code != 0 || !strings.Contains(errs, w) {
			t.Errorf("forged record, LANG=es: exit %d, stderr lacks %q:\n%s", code, w, errs)
		}
	}

	// Another scan's lock, in Spanish.
	ck := filepath.Join(dir, "scan.ckpt")
	f, err := openLocked(langOf(func(string) (string, bool) { return "", false }), "--resume", ck, os.O_RDWR)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	code, errs = runChildEnv(t, []string{"LANG=es_ES.UTF-8"}, "127.0.0.1", "-p", "1", "--resume", ck)
	if want := "--resume " + ck + ": otro netstar scan está escribiendo en " + ck + " (el archivo está bloqueado)"; code != ExitUsage || !strings.Contains(errs, want) {
		t.Errorf("locked checkpoint, LANG=es: exit %d, want %d and %q:\n%s", code, ExitUsage, want, errs)
	}
}
