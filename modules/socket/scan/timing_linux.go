//go:build linux

package scan

import (
	"sync/atomic"
	"time"
)

// hostTiming is what the engine learns about one host while it probes
// it. Event loops share it, so every field is atomic.
type hostTiming struct {
	// srtt and rttvar estimate the host's connect round-trip time as
	// TCP does (RFC 6298), in ns, from answers to first attempts only
	// (Karn's rule); srtt 0 means no sample yet.
	srtt, rttvar atomic.Int64
	// refused counts the probes the host refused (RST or ICMP
	// port-unreachable); firstRefusal is when the first came, + 1 (0:
	// none yet).
	refused      atomic.Int32
	firstRefusal atomic.Int64
	// lastAnswer is when the host last answered a probe (open or
	// refused), in ns since the scan started.
	lastAnswer atomic.Int64
	// firstSent is when the host's first probe went, + 1 (0: none yet),
	// kept only with Scanner.HostTimeout.
	firstSent atomic.Int64
	// The host's congestion window, after nmap's per-host one: pending
	// counts its probes waiting for an answer; cwnd caps them once the
	// host has dropped probes (0: no cap of its own, only the loops'
	// windows). A drop (a probe answered only on its retry) halves it,
	// at most once per timeout (lastCut); answers grow it back by one
	// each, until it reaches the loops' window and the cap goes away.
	pending atomic.Int32
	cwnd    atomic.Int32
	lastCut atomic.Int64
	// maxTry is the latest try (0: the first) of any of the host's
	// probes that was answered: see engine.allowedRetries.
	maxTry atomic.Int32
}

// hostWindowMin is the smallest window a host that drops probes keeps.
const hostWindowMin = 2

// full reports whether the host has as many probes pending as its
// window allows.
func (h *hostTiming) full() bool {
	c := h.cwnd.Load()
	return c > 0 && h.pending.Load() >= c
}

// dropped halves the host's window after a drop at now (ns), at most
// once per timeout.
func (h *hostTiming) dropped(now, timeout int64) {
	last := h.lastCut.Load()
	if last != 0 && now-last < timeout || !h.lastCut.CompareAndSwap(last, now) {
		return
	}
	c := h.cwnd.Load()
	if c == 0 {
		c = h.pending.Load() + 1 // the probes in flight when it dropped
	}
	h.cwnd.Store(max(hostWindowMin, c/2))
}

// grew widens the host's window after an answer; at limit (the loops'
// window) the host's own cap goes away.
func (h *hostTiming) grew(limit int32) {
	for {
		c := h.cwnd.Load()
		if c == 0 {
			return
		}
		n := c + 1
		if n >= limit {
			n = 0
		}
		if h.cwnd.CompareAndSwap(c, n) {
			return
		}
	}
}

// sample adds a round-trip time measurement.
func (h *hostTiming) sample(rtt int64) {
	if rtt <= 0 {
		rtt = 1
	}
	srtt := h.srtt.Load()
	if srtt == 0 {
		h.srtt.Store(rtt)
		h.rttvar.Store(rtt / 2)
		return
	}
	dev := srtt - rtt
	if dev < 0 {
		dev = -dev
	}
	h.rttvar.Store(h.rttvar.Load() + (dev-h.rttvar.Load())/4)
	h.srtt.Store(srtt + (rtt-srtt)/8)
}

// timeout returns the probe timeout for the host: the initial timeout
// until it has answered, then srtt + 4·rttvar within [min, max].
func (h *hostTiming) timeout(initial, min, max int64) int64 {
	srtt := h.srtt.Load()
	if srtt == 0 {
		return initial
	}
	t := srtt + 4*h.rttvar.Load()
	if t < min {
		t = min
	}
	if t > max {
		t = max
	}
	return t
}

// answered notes an answer at now (ns since start); refused says it was
// a refusal.
func (h *hostTiming) answered(now int64, refused bool) {
	if h.lastAnswer.Load() < now {
		h.lastAnswer.Store(now)
	}
	if refused {
		if h.refused.Add(1) == 1 {
			h.firstRefusal.Store(now + 1)
		}
	}
}

// spent notes that the host may have answered at t without the scanner
// seeing it: a rate-limited host's next answer is due a window later.
func (h *hostTiming) spent(t int64) {
	if h.lastAnswer.Load() < t {
		h.lastAnswer.Store(t)
	}
}

// synRTO is Linux's initial SYN retransmission timeout: a connect the
// scanner leaves waiting sends its SYN again at 1 s, 3 s, 7 s...
const synRTO = int64(time.Second)

// lastSYN returns when the kernel last sent the SYN of a connect started
// at sent, by now: sent itself, or its latest retransmission.
func lastSYN(sent, now int64) int64 {
	at, rto := sent, synRTO
	for at+rto <= now {
		at += rto
		rto *= 2
	}
	return at
}

// rateLimited reports whether the host's refusals look rate limited at
// now: it refused some probes, but no more than a burst of 10 (Linux
// allows 6) and two a second since the first. A host that resets closed
// ports answers hundreds a second, so its unanswered ports are filtered
// for real.
func (h *hostTiming) rateLimited(now int64) bool {
	n := float64(h.refused.Load())
	first := h.firstRefusal.Load()
	if n == 0 || first == 0 {
		return false
	}
	secs := float64(now-(first-1)) / float64(time.Second)
	return n <= 10+2*secs
}

// hostPage is how many hosts' timings are allocated at once: a /8 scan
// pays only for the blocks of hosts it reaches.
const hostPage = 1 << 12

// hostTable holds the timings of a plan's hosts, allocated by pages on
// first use.
type hostTable struct {
	pages []atomic.Pointer[[hostPage]hostTiming]
}

func newHostTable(hosts uint64) *hostTable {
	return &hostTable{pages: make([]atomic.Pointer[[hostPage]hostTiming], (hosts+hostPage-1)/hostPage)}
}

// get returns host h's timing.
func (t *hostTable) get(h uint64) *hostTiming {
	p := &t.pages[h/hostPage]
	page := p.Load()
	if page == nil {
		fresh := new([hostPage]hostTiming)
		if p.CompareAndSwap(nil, fresh) {
			page = fresh
		} else {
			page = p.Load()
		}
	}
	return &page[h%hostPage]
}

// timeHeap is a min-heap of things ordered by when they are due: probes'
// deadlines, which differ by host and so expire out of the order they
// were sent in, and delayed probes.
type timeHeap[T interface{ due() int64 }] []T

func (q *timeHeap[T]) push(x T) {
	*q = append(*q, x)
	h := *q
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if h[parent].due() <= h[i].due() {
			break
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
}

func (q timeHeap[T]) front() (T, bool) {
	if len(q) == 0 {
		var zero T
		return zero, false
	}
	return q[0], true
}

func (q *timeHeap[T]) pop() T {
	h := *q
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && h[l].due() < h[m].due() {
			m = l
		}
		if r < n && h[r].due() < h[m].due() {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}

// delayed is a probe waiting for a time to be sent.
type delayed struct {
	at int64
	pr probe
	// full: the probe waits for room in its host's window, not for a
	// rate-limited host's next answer.
	full bool
}

func (d delayed) due() int64  { return d.at }
func (d deadline) due() int64 { return d.at }
