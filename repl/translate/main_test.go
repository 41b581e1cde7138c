package translate

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind (sessions,
// listeners, the stepper's interrupt watcher).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
