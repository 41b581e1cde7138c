package repl

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// chzyer/readline's (*Operation).ioloop has no way to stop: after Close it
// waits forever to report io.EOF. It is one goroutine per line editor,
// and netstar makes one per process; the loop tests make a few.
func TestMain(m *testing.M) {
	// The tests expect English, the default, unless they set a locale
	// themselves: the machine's own locale must not change their
	// outcome.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		os.Unsetenv(name)
	}
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/chzyer/readline.(*Operation).ioloop"))
}
