package interp_test

import (
	"testing"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// hotIndexLoop indexes a list in a hot loop, the case the x[i] rewrite
// slows down most: compare BenchmarkListIndex/starlark (no rewrite) with
// BenchmarkListIndex/dialect.
const hotIndexLoop = `
a = list(range(1000))
def total(a):
    t = 0
    for i in range(len(a)):
        t += a[i]
    return t
`

func BenchmarkListIndex(b *testing.B) {
	parsers := []struct {
		name  string
		parse func() (*syntax.File, error)
	}{
		{"starlark", func() (*syntax.File, error) { return interp.Options.Parse("b.star", hotIndexLoop, 0) }},
		{"dialect", func() (*syntax.File, error) { return interp.Parse("b.star", []byte(hotIndexLoop)) }},
	}
	for _, p := range parsers {
		b.Run(p.name, func(b *testing.B) {
			s := interp.New(interp.Config{})
			defer s.Close()
			env := s.Predeclared("__main__")
			f, err := p.parse()
			if err != nil {
				b.Fatal(err)
			}
			prog, err := starlark.FileProgram(f, env.Has)
			if err != nil {
				b.Fatal(err)
			}
			th := s.NewThread("bench")
			s.Lock()
			defer s.Unlock()
			g, err := prog.Init(th, env)
			if err != nil {
				b.Fatal(err)
			}
			fn, a := g["total"], g["a"]
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := starlark.Call(th, fn, starlark.Tuple{a}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
