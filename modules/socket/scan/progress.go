package scan

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"
)

// startProgress draws a progress bar on w every 100 ms once the scan has
// run for half a second; stop erases it and returns when drawing has
// ended. A nil w draws nothing.
func startProgress(w io.Writer, start time.Time, total int64, done *atomic.Int64) (stop func()) {
	if w == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		drawn := false
		for {
			select {
			case <-quit:
				if drawn {
					io.WriteString(w, "\r\033[K")
				}
				return
			case <-t.C:
				if time.Since(start) < 500*time.Millisecond {
					continue
				}
				drawn = true
				io.WriteString(w, progressLine(done.Load(), total, time.Since(start)))
			}
		}
	}()
	return func() { close(quit); <-finished }
}

func progressLine(done, total int64, elapsed time.Duration) string {
	const width = 30
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * width)
	return fmt.Sprintf("\r\033[Kscan [%s%s] %3.0f%% %d/%d probes %.1fs",
		strings.Repeat("#", n), strings.Repeat(".", width-n), 100*frac, done, total, elapsed.Seconds())
}
