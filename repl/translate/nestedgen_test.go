package translate

import (
	"fmt"
	"strings"
	"testing"
)

// nestedProgram turns ops into a Python program of nested statements
// that always ends: try with every combination of except/else/finally,
// for, if/else, raise, break, continue and return, inside a function
// called with several arguments. Each op byte picks a construct; the
// constructs nest as deep as there are ops.
func nestedProgram(ops []byte) string {
	g := &progGen{ops: ops}
	g.emit(1, "def f(n):")
	g.emit(2, "k = 0")
	g.block(2, false)
	g.emit(2, "return k")
	g.emit(1, "for n in range(3):")
	g.emit(2, "try:")
	g.emit(3, "print('f', n, f(n))")
	g.emit(2, "except (ValueError, KeyError) as e:")
	g.emit(3, "print('uncaught', e)")
	return g.b.String()
}

type progGen struct {
	ops  []byte
	pos  int
	b    strings.Builder
	vars int
}

func (g *progGen) emit(indent int, s string) {
	g.b.WriteString(strings.Repeat("    ", indent-1) + s + "\n")
}

func (g *progGen) next() (byte, bool) {
	if g.pos >= len(g.ops) {
		return 0, false
	}
	g.pos++
	return g.ops[g.pos-1], true
}

// block writes a block at indent: one construct, maybe nesting the
// rest, then a print so the block is never empty.
func (g *progGen) block(indent int, inLoop bool) {
	op, ok := g.next()
	if !ok {
		g.emit(indent, "k += 1")
		return
	}
	g.vars++
	id := g.vars
	switch op % 12 {
	case 0: // try/except/else/finally
		g.emit(indent, "try:")
		g.block(indent+1, inLoop)
		g.emit(indent, "except ValueError as e:")
		g.emit(indent+1, fmt.Sprintf("print('v%d', e)", id))
		g.emit(indent+1, "k += 10")
		g.emit(indent, "else:")
		g.emit(indent+1, fmt.Sprintf("print('else%d', k)", id))
		g.emit(indent, "finally:")
		g.emit(indent+1, fmt.Sprintf("print('fin%d', k)", id))
	case 1: // try/finally
		g.emit(indent, "try:")
		g.block(indent+1, inLoop)
		g.emit(indent, "finally:")
		g.emit(indent+1, fmt.Sprintf("print('fin%d')", id))
	case 2: // except a tuple, re-raise
		g.emit(indent, "try:")
		g.block(indent+1, inLoop)
		g.emit(indent, "except (KeyError, ValueError) as e:")
		g.emit(indent+1, fmt.Sprintf("print('kv%d', e)", id))
		g.emit(indent+1, "if k > 1:")
		g.emit(indent+2, "raise")
	case 3:
		g.emit(indent, fmt.Sprintf("for i%d in range(2):", id))
		g.emit(indent+1, fmt.Sprintf("k += i%d", id))
		g.block(indent+1, true)
	case 4:
		g.emit(indent, "if (n + k) % 2 == 0:")
		g.block(indent+1, inLoop)
		g.emit(indent, "else:")
		g.emit(indent+1, fmt.Sprintf("print('odd%d', k)", id))
	case 5:
		g.emit(indent, "if n == 1:")
		g.emit(indent+1, fmt.Sprintf("raise ValueError('bad%d')", id))
		g.block(indent, inLoop)
	case 6:
		g.emit(indent, "if n == 2 and k > 0:")
		g.emit(indent+1, fmt.Sprintf("raise KeyError('key%d')", id))
		g.block(indent, inLoop)
	case 7:
		if inLoop {
			g.emit(indent, "if k > 2:")
			g.emit(indent+1, "break")
		}
		g.block(indent, inLoop)
	case 8:
		if inLoop {
			g.emit(indent, "if k % 2:")
			g.emit(indent+1, "continue")
		}
		g.block(indent, inLoop)
	case 9:
		g.emit(indent, "if k > 3:")
		g.emit(indent+1, fmt.Sprintf("return -%d", id))
		g.block(indent, inLoop)
	case 10: // try/except Exception/else, no finally
		g.emit(indent, "try:")
		g.block(indent+1, inLoop)
		g.emit(indent, "except Exception as e:")
		g.emit(indent+1, fmt.Sprintf("print('any%d', e)", id))
		g.emit(indent, "else:")
		g.emit(indent+1, "k += 100")
	default:
		g.emit(indent, fmt.Sprintf("x%d = k * 2", id))
		g.emit(indent, fmt.Sprintf("k = x%d + 1", id))
		g.block(indent, inLoop)
	}
}

// nestedSeeds are the fuzz target's seed corpus.
var nestedSeeds = [][]byte{
	{0}, {1}, {2}, {0, 0}, {0, 1, 2}, {3, 0, 7}, {3, 1, 8, 5}, {9, 0, 1, 5}, {4, 2, 6},
	{3, 3, 0, 7, 1, 8}, {10, 5}, {10, 0, 6}, {1, 9, 3, 0, 5}, {0, 10, 2, 6, 1, 5},
	{3, 1, 0, 2, 7, 9, 5, 6, 11, 8},
}

// FuzzNested checks that nested constructs always translate without
// TODO, into netstar that parses; the seed corpus (run by go test) also
// runs each program under netstar and python3 and compares what they
// print.
func FuzzNested(f *testing.F) {
	for _, s := range nestedSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		src := nestedProgram(ops)
		r := mustTranslate(t, "nested.py", src)
		if len(r.TODOs) > 0 {
			t.Fatalf("TODOs %v\n%s", r.TODOs, src)
		}
		mustParse(t, r.Code)
	})
}

func TestNestedProgramsRunAsPython(t *testing.T) {
	python3(t)
	for _, ops := range nestedSeeds {
		t.Run(fmt.Sprint(ops), func(t *testing.T) {
			src := nestedProgram(ops)
			want, stderr, err := runPython(t, src, nil, "")
			if err != nil {
				t.Fatalf("python3: %v\n%s", err, stderr)
			}
			r := mustTranslate(t, "nested.py", src)
			got, stderr, err := runNetstar(t, r.Code, nil, "")
			if err != nil {
				t.Fatalf("netstar: %v\n%s\nsource:\n%s\ntranslation:\n%s", err, stderr, numbered(src), numbered(r.Code))
			}
			if got != want {
				t.Errorf("netstar printed\n%s\npython3 printed\n%s\nsource:\n%s\ntranslation:\n%s", got, want, numbered(src), numbered(r.Code))
			}
		})
	}
}
