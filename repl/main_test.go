package repl

import (
	"testing"

	"go.uber.org/goleak"
)

// chzyer/readline's (*Operation).ioloop has no way to stop: after Close it
// waits forever to report io.EOF. It is one goroutine per line editor,
// and netstar makes one per process; the loop tests make a few.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/chzyer/readline.(*Operation).ioloop"))
}
