package translate

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind (sessions,
// listeners, the stepper's interrupt watcher). It clears the locale:
// the tests expect the translator's English, the default
// (TestSpanish sets a Spanish one).
func TestMain(m *testing.M) {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		os.Unsetenv(v)
	}
	goleak.VerifyTestMain(m)
}
