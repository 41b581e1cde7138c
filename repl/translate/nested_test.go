package translate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// nestedTry is Python with depth try statements nested in each other's
// block, each with except, else and finally (what made the translation
// exponential).
func nestedTry(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "%stry:\n", strings.Repeat("    ", i))
	}
	fmt.Fprintf(&b, "%sx = 1\n", strings.Repeat("    ", depth))
	for i := depth - 1; i >= 0; i-- {
		ind := strings.Repeat("    ", i)
		fmt.Fprintf(&b, "%sexcept ValueError as e:\n%s    print('v', %d)\n%selse:\n%s    print('e', %d)\n%sfinally:\n%s    print('f', %d)\n", ind, ind, i, ind, ind, i, ind, ind, i)
	}
	return b.String()
}

// BenchmarkNestedTry300 translates 300 nested try/except/else/finally
// statements (the goal is well under 100 ms).
func BenchmarkNestedTry300(b *testing.B) {
	src := []byte(nestedTry(300))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Python("nested.py", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNestedConstructs translates nested constructs of growing
// depth: ns/op divided by the source size must stay flat (linear time).
func BenchmarkNestedConstructs(b *testing.B) {
	for _, depth := range []int{25, 50, 100, 200} {
		src := []byte(nestedProgram(bytesOf(depth)))
		b.Run(fmt.Sprintf("depth%d", depth), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Python("nested.py", src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func bytesOf(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(i*7 + 3)
	}
	return out
}

func TestNestedTryTranslates(t *testing.T) {
	for _, depth := range []int{1, 2, 5, 300} {
		r := mustTranslate(t, "nested.py", nestedTry(depth))
		if len(r.TODOs) > 0 {
			t.Fatalf("depth %d: TODOs %v", depth, r.TODOs)
		}
		if depth < 300 {
			// 300 levels parse too, but the check is slow under -race.
			mustParse(t, r.Code)
		}
	}
}

func TestNestedTryRuns(t *testing.T) {
	src := nestedTry(6)
	want, _, err := runPython(t, src, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	r := mustTranslate(t, "nested.py", src)
	got, stderr, err := runNetstar(t, r.Code, nil, "")
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, stderr, numbered(r.Code))
	}
	if got != want {
		t.Errorf("netstar printed\n%s\npython3 printed\n%s", got, want)
	}
}

func TestPythonContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, src := range []string{"x = 1\n", nestedTry(300)} {
		_, err := PythonContext(ctx, "c.py", []byte(src))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("PythonContext(cancelled) = %v, want context.Canceled", err)
		}
		if code, ok := SuggestContext(ctx, src); ok {
			t.Errorf("SuggestContext(cancelled) = %q, true", code)
		}
	}
	// A context cancelled while the translation runs stops it too.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	ctx = &cancelAfter{Context: ctx, n: 3}
	if _, err := PythonContext(ctx, "c.py", []byte(nestedTry(300))); !errors.Is(err, context.Canceled) {
		t.Errorf("PythonContext(cancelled midway) = %v, want context.Canceled", err)
	}
}

// cancelAfter is a context whose Err reports cancellation from its n-th
// call on, as if Ctrl-C came in the middle of a translation.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}
