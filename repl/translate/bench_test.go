package translate

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// bigPython builds a Python file of about n lines from the course's
// examples (functions renamed so each copy is distinct).
func bigPython(tb testing.TB, n int) []byte {
	tb.Helper()
	var parts []string
	for _, name := range []string{"04_comprobar_lista_puertos.py", "06_escaner_dominio.py", "05_escaner_interactivo.py", "07_servidor_http.py"} {
		b, err := os.ReadFile("testdata/course/" + name)
		if err != nil {
			tb.Fatal(err)
		}
		parts = append(parts, string(b))
	}
	var b strings.Builder
	for i := 0; strings.Count(b.String(), "\n") < n; i++ {
		for _, p := range parts {
			p = strings.NewReplacer("def socketScan", fmt.Sprintf("def socketScan%d", i), "def main", fmt.Sprintf("def main%d", i)).Replace(p)
			b.WriteString(p + "\n")
		}
		fmt.Fprintf(&b, "msg%d = f\"vuelta {%d} de {len(parts)!r}\"\n", i, i)
	}
	return []byte(b.String())
}

// BenchmarkTranslate2000Lines measures translating a 2,000-line Python
// file (the goal is under 100 ms).
func BenchmarkTranslate2000Lines(b *testing.B) {
	src := bigPython(b, 2000)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		r, err := Python("big.py", src)
		if err != nil || len(r.TODOs) > 0 {
			b.Fatalf("%v %v", err, r.TODOs)
		}
	}
}

func TestBigFileTranslates(t *testing.T) {
	src := bigPython(t, 2000)
	if n := strings.Count(string(src), "\n"); n < 2000 {
		t.Fatalf("only %d lines", n)
	}
	r := mustTranslate(t, "big.py", string(src))
	if len(r.TODOs) > 0 {
		t.Fatalf("TODOs %v", r.TODOs)
	}
	mustParse(t, r.Code)
}
