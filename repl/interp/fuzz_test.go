package interp_test

import (
	"bytes"
	"testing"

	"github.com/netstar/netstar/repl/interp"
)

var fuzzSeeds = []string{
	"import socket\n",
	"import socket, sys\nfrom socket import *\n",
	"from interptest import *\n",
	"from m import (a, b as c,)  # x\r\n",
	"def f():\n    import socket\n    '''\nimport x\n'''\n",
	"import socket; import sys; print(1)\n",
	"x = '''\nimport a\n",
	"import",
	"from  import *",
	"import a as\n",
	"\"\"\"'''\"\"\"\nimport a\n",
	"while True:\n    s.encode().decode('utf-8')\n",
	"load('x.star', 'y')\n",
	"def f(:\n",
	"\x00\xff\n",
}

// FuzzRewriteImports: the pre-pass never panics and keeps the number of
// lines, so positions in later errors stay right.
func FuzzRewriteImports(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out := interp.RewriteImports(src)
		if bytes.Count(out, []byte("\n")) != bytes.Count(src, []byte("\n")) {
			t.Errorf("RewriteImports(%q) = %q: line count changed", src, out)
		}
	})
}

// FuzzParse: interp.Parse never panics, whatever the input.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := interp.Parse("fuzz.star", src)
		if (file == nil) == (err == nil) {
			t.Errorf("Parse(%q) = %v, %v: want exactly one of file and error", src, file, err)
		}
	})
}
