package scan

import (
	"sync/atomic"
	"time"
)

// pacer spaces probes to a rate shared by every event loop of a scan:
// a virtual clock advances by one interval per probe and may run ahead
// of the real one by at most a short burst.
type pacer struct {
	interval int64 // ns per probe
	burst    int64 // ns the clock may run ahead
	next     atomic.Int64
}

// newPacer returns nil for no cap.
func newPacer(rate float64) *pacer {
	if rate <= 0 {
		return nil
	}
	interval := int64(float64(time.Second) / rate)
	interval = max(interval, 1)
	// Allow 5 ms of probes at once (at least one), so that high rates do
	// not depend on how finely the loops can sleep.
	burst := max(interval, int64(5*time.Millisecond))
	p := &pacer{interval: interval, burst: burst - interval}
	p.next.Store(-p.burst)
	return p
}

// take claims one probe at now (ns since the scan started): it returns
// 0 when the probe may go, or how long to wait before asking again.
func (p *pacer) take(now int64) int64 {
	for {
		n := p.next.Load()
		if n > now+p.burst {
			return n - now - p.burst
		}
		nn := max(n, now-p.burst-p.interval) + p.interval
		if p.next.CompareAndSwap(n, nn) {
			return 0
		}
	}
}

// refund gives back a probe that take allowed but that was not sent.
func (p *pacer) refund() { p.next.Add(-p.interval) }
