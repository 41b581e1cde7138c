package translate

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCorpusRunsAsPython runs each program of testdata/corpus (Python
// as students write it next: classes, exceptions, nested try) under
// python3 and, translated, under netstar, and compares what they print.
func TestCorpusRunsAsPython(t *testing.T) {
	python3(t)
	files, err := filepath.Glob("testdata/corpus/*.py")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, stderr, err := runPython(t, string(src), nil, "")
			if err != nil {
				t.Fatalf("python3: %v\n%s", err, stderr)
			}
			r := mustTranslate(t, filepath.Base(file), string(src))
			if len(r.TODOs) > 0 {
				t.Fatalf("TODOs: %v", r.TODOs)
			}
			got, stderr, err := runNetstar(t, r.Code, nil, "")
			if err != nil {
				t.Fatalf("netstar: %v\n%s\n%s", err, stderr, numbered(r.Code))
			}
			if got != want {
				t.Errorf("netstar printed\n%s\npython3 printed\n%s\ntranslation:\n%s", got, want, numbered(r.Code))
			}
		})
	}
}
