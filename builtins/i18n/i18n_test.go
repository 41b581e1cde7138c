package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestFromEnv checks POSIX's precedence (LC_ALL, LC_MESSAGES, LANG: the
// first that is set and not empty wins) and the locale names that mean
// Spanish.
func TestFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Lang
	}{
		{"nothing set", nil, English},
		{"LANG es_ES.UTF-8", map[string]string{"LANG": "es_ES.UTF-8"}, Spanish},
		{"LANG es", map[string]string{"LANG": "es"}, Spanish},
		{"LANG es_MX", map[string]string{"LANG": "es_MX"}, Spanish},
		{"LANG es_ES@euro", map[string]string{"LANG": "es_ES@euro"}, Spanish},
		{"LANG es_AR.ISO-8859-1", map[string]string{"LANG": "es_AR.ISO-8859-1"}, Spanish},
		{"LANG C", map[string]string{"LANG": "C"}, English},
		{"LANG C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, English},
		{"LANG POSIX", map[string]string{"LANG": "POSIX"}, English},
		{"LANG en_US.UTF-8", map[string]string{"LANG": "en_US.UTF-8"}, English},
		{"LANG fr_FR", map[string]string{"LANG": "fr_FR"}, English},
		{"LANG garbage", map[string]string{"LANG": "!!"}, English},
		{"LC_MESSAGES over LANG", map[string]string{"LANG": "en_US", "LC_MESSAGES": "es_ES"}, Spanish},
		{"LC_MESSAGES C over LANG es", map[string]string{"LANG": "es_ES", "LC_MESSAGES": "C"}, English},
		{"LC_ALL over both", map[string]string{"LANG": "es_ES", "LC_MESSAGES": "es_ES", "LC_ALL": "C"}, English},
		{"LC_ALL es", map[string]string{"LANG": "C", "LC_ALL": "es_CL.UTF-8"}, Spanish},
		{"empty LC_ALL is unset", map[string]string{"LC_ALL": "", "LANG": "es_ES.UTF-8"}, Spanish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromEnv(func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Errorf("FromEnv(%v) = %v, want %v", tt.env, got, tt.want)
			}
		})
	}
}

// TestCurrent reads the process's environment at each call.
func TestCurrent(t *testing.T) {
	tests := []struct {
		lang string
		want string
	}{
		{"es_ES.UTF-8", "(Python traducido a netstar y ejecutado)"},
		{"C", "(Python translated to netstar and run)"},
		{"", "(Python translated to netstar and run)"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANG", tt.lang)
			if got := T("repl.translated"); got != tt.want {
				t.Errorf("T = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestT checks formatting, positional verbs and an unknown key.
func TestT(t *testing.T) {
	tests := []struct {
		lang Lang
		key  string
		args []any
		want string
	}{
		{English, "help.value", []any{"socket"}, "socket value"},
		{Spanish, "help.value", []any{"socket"}, "valor socket"},
		{Spanish, "step.cell", []any{12345}, "── celda 12345 ──"}, // no digit grouping
		{English, "hint.python.file", []any{"netstar", "a.py"}, "hint: this is Python that netstar does not run as it is; `netstar translate a.py` shows the netstar version\n"},
		{Spanish, "todo.advice.formatting", nil, `usa "{}".format(x) o el operador %`},
		{English, "no.such.key", nil, "no.such.key"},
		{Spanish, "no.such.key", []any{1}, "no.such.key1"},
		{Lang(99), "help.value", []any{"int"}, "int value"},
	}
	for _, tt := range tests {
		t.Run(tt.lang.String()+"/"+tt.key, func(t *testing.T) {
			if got := tt.lang.T(tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q, %v) = %q, want %q", tt.key, tt.args, got, tt.want)
			}
		})
	}
}

// verb matches one fmt verb: an optional explicit argument index, flags,
// width, precision and the verb letter.
var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*(\d+|\*)?(\.\d+)?([a-zA-Z%])`)

// verbs returns the arguments a format uses, as "index:verb" sorted and
// without repeats (a translation may use an argument more or less often,
// never another one or with another verb).
func verbs(format string) []string {
	var out []string
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[5] == "%" {
			continue
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		}
		out = append(out, strconv.Itoa(next)+":"+m[5])
		next++
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestEveryKeyHasBothLanguages checks the catalogue: every key has an
// English and a Spanish text, the two take the same arguments with the
// same verbs, and they end alike (a newline, or none).
func TestEveryKeyHasBothLanguages(t *testing.T) {
	keys := Keys()
	if len(keys) < 40 {
		t.Fatalf("the catalogue has %d keys", len(keys))
	}
	for _, key := range keys {
		for _, l := range []Lang{English, Spanish} {
			if !Has(key, l) {
				t.Errorf("%s: no %v text", key, l)
			}
		}
		en, es := catalog[key][English], catalog[key][Spanish]
		if en == es {
			t.Errorf("%s: the Spanish text is the English one: %q", key, en)
		}
		if ve, vs := verbs(en), verbs(es); !slices.Equal(ve, vs) {
			t.Errorf("%s: English uses %v, Spanish %v", key, ve, vs)
		}
		if strings.HasSuffix(en, "\n") != strings.HasSuffix(es, "\n") {
			t.Errorf("%s: one text ends with a newline and the other does not", key)
		}
	}
}

// used matches a literal key passed to T in Go source.
var used = regexp.MustCompile(`\bT\("([a-zA-Z][\w.]*)"`)

// TestKeysUsedExist reads the repository's Go files and checks that each
// literal key given to T is in the catalogue, so a typo fails here
// rather than showing a key to a student.
func TestKeysUsedExist(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root is not two levels up: %v", err)
	}
	n := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !strings.Contains(string(src), "i18n") || filepath.Dir(path) == mustAbs(t, ".") {
			return nil
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			n++
			if _, ok := catalog[m[1]]; !ok {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s: key %q is not in the catalogue", rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d uses of the catalogue checked", n)
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
