package interptest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/netstar/netstar/repl/interp/interptest"
)

func TestBufferConcurrentWrites(t *testing.T) {
	var b interptest.Buffer
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			for j := 0; j < 100; j++ {
				fmt.Fprintf(&b, "line %d\n", j)
			}
		})
	}
	go func() { wg.Wait(); b.Write([]byte("done\n")) }()
	out := b.WaitFor(t, "done\n")
	if n := strings.Count(out, "\n"); n != 801 {
		t.Errorf("%d lines, want 801", n)
	}
}
