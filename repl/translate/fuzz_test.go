package translate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netstar/netstar/repl/interp"
)

// FuzzTranslate checks that no input makes the translator panic or
// loop, and that a translation without TODO always parses as netstar.
func FuzzTranslate(f *testing.F) {
	files, _ := filepath.Glob("testdata/course/*.py")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(string(b))
		}
	}
	for _, tc := range rewriteCases {
		f.Add(tc.py)
	}
	for _, s := range []string{"", "f'{'", "f'{x!z}'", "try:\n  pass\nfinally:\n  return\n", "x = f'{a:{b}}' 'c' f\"d\"\n",
		"while 1:\n  try:\n    break\n  finally:\n    continue\n", "with a as b, c:\n  pass\n", "del x\n", "\x00", "def f(*, a=1, **k):\n  yield\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		r, err := Python("fuzz.py", []byte(src))
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error is %T, want *SyntaxError: %v", err, err)
			}
			return
		}
		if len(r.TODOs) == 0 {
			if _, err := interp.Parse("fuzz.star", []byte(r.Code)); err != nil {
				t.Fatalf("translation without TODO does not parse: %v\nsource:\n%s\ntranslation:\n%s", err, src, numbered(r.Code))
			}
		}
		Suggest(src)
	})
}
