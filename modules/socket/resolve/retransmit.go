package resolve

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// Retransmission of bulk queries, as massdns and dnsx do it: a query
// that gets no answer within the retransmission timeout (RTO) is sent
// again with the same ID, so that an answer to any of its copies counts,
// instead of waiting out the whole timeout. The RTO follows the measured
// round-trip time (Jacobson/Karels, as TCP: srtt + 4·rttvar, with Karn's
// rule of sampling only queries answered on their first send), between
// MinRTO and the per-query timeout; it doubles at each resend of one
// query. A query is sent at most MaxSends times and given up after twice
// the timeout (the old two attempts' worst case), whichever comes first.
const (
	// MinRTO is the shortest wait before a query is sent again.
	MinRTO = 200 * time.Millisecond
	// InitialRTO is the wait before any round trip has been measured.
	InitialRTO = 400 * time.Millisecond
	// MaxSends bounds how many times one query is sent.
	MaxSends = 4
)

// bulkState is what the workers of one bulk lookup share: the RTT
// estimate and the in-flight window.
type bulkState struct {
	mu     sync.Mutex
	srtt   time.Duration // 0: no sample yet
	rttvar time.Duration

	win *window

	sent, resent, answered atomic.Int64
}

func newBulkState(workers int) *bulkState {
	return &bulkState{win: newWindow(workers)}
}

// rto returns the current retransmission timeout, at most limit.
func (b *bulkState) rto(limit time.Duration) time.Duration {
	b.mu.Lock()
	rto := InitialRTO
	if b.srtt > 0 {
		rto = max(MinRTO, b.srtt+4*b.rttvar)
	}
	b.mu.Unlock()
	if limit > 0 && rto > limit {
		rto = limit
	}
	return rto
}

// sample adds the round trip of a query answered on its first send.
func (b *bulkState) sample(rtt time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.srtt == 0 {
		b.srtt, b.rttvar = rtt, rtt/2
		return
	}
	d := b.srtt - rtt
	if d < 0 {
		d = -d
	}
	b.rttvar = (3*b.rttvar + d) / 4
	b.srtt = (7*b.srtt + rtt) / 8
}

// window is the number of queries a bulk lookup keeps in flight, as the
// scanner's congestion window: it starts at the number of workers (each
// has at most one query out); a loss (a query that needed resending)
// halves it, at most once per RTO, down to windowMin; each answer to a
// first send widens it by one, up to the number of workers. Worker i
// sends only while i < the window, so a cut parks the highest workers
// after their current query and a widening wakes the next one.
type window struct {
	max     int
	cur     atomic.Int32
	lastCut atomic.Int64 // ns, time.Now().UnixNano() of the last cut
	park    []chan struct{}

	// drained is closed once every item has been taken, so that parked
	// workers end instead of waiting for a widening that may not come.
	drained   chan struct{}
	drainOnce sync.Once
}

// windowMin is the smallest window loss can cut the bulk lookup to.
const windowMin = 8

func newWindow(n int) *window {
	w := &window{max: n, park: make([]chan struct{}, n), drained: make(chan struct{})}
	for i := range w.park {
		w.park[i] = make(chan struct{}, 1)
	}
	w.cur.Store(int32(n))
	return w
}

// wait blocks worker i until the window lets it send, or ctx ends.
func (w *window) wait(ctx context.Context, i int) error {
	for int32(i) >= w.cur.Load() {
		select {
		case <-w.park[i]:
		case <-w.drained:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// drain wakes every parked worker for good: nothing is left to send.
func (w *window) drain() { w.drainOnce.Do(func() { close(w.drained) }) }

// lost halves the window after a loss at now, at most once per rto.
func (w *window) lost(now time.Time, rto time.Duration) {
	last := w.lastCut.Load()
	if last != 0 && now.UnixNano()-last < int64(rto) || !w.lastCut.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	for {
		c := w.cur.Load()
		n := max(min(int32(windowMin), c), c/2)
		if w.cur.CompareAndSwap(c, n) {
			return
		}
	}
}

// grew widens the window by one after an answer and wakes the worker
// the new slot belongs to.
func (w *window) grew() {
	for {
		c := w.cur.Load()
		if int(c) >= w.max {
			return
		}
		if w.cur.CompareAndSwap(c, c+1) {
			select {
			case w.park[c] <- struct{}{}:
			default:
			}
			return
		}
	}
}

// Size returns the current window (for tests and reports).
func (w *window) size() int { return int(w.cur.Load()) }

// errNoAnswer is a query given up after its last send.
var errNoAnswer = errors.New("dns: no answer after retransmissions")

// exchangeRetrans sends m on the worker's kept UDP socket and waits for
// its answer, resending it (same ID) each time the RTO passes without
// one. Answers to other questions (late replies to an earlier query of
// this worker) are ignored: the ID and the question must both match, so
// a result is always the answer to its own name.
func (r *dnsResolver) exchangeRetrans(ctx context.Context, m *dns.Msg) (*dns.Msg, error) {
	b := r.bulk
	if r.udp == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "udp", r.server)
		if err != nil {
			return nil, err
		}
		r.udp = c.(*net.UDPConn)
		r.buf = make([]byte, dns.MaxMsgSize)
	}
	conn := r.udp
	m.Id = dns.Id()
	packed, err := m.Pack()
	if err != nil {
		return nil, err
	}
	q := m.Question[0]
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Now()) })
	defer stop()
	start := time.Now()
	deadline := start.Add(r.timeout * time.Duration(max(1, r.attempts)))
	wait := b.rto(r.timeout)
	for send := 1; ; send++ {
		sentAt := time.Now()
		if _, err := conn.Write(packed); err != nil {
			return nil, err
		}
		b.sent.Add(1)
		if send > 1 {
			b.resent.Add(1)
		}
		until := sentAt.Add(wait)
		if until.After(deadline) {
			until = deadline
		}
		if err := conn.SetReadDeadline(until); err != nil {
			return nil, err
		}
		for {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			n, err := conn.Read(r.buf)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				if errors.Is(err, os.ErrDeadlineExceeded) {
					break
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					break
				}
				return nil, err // ECONNREFUSED: nothing listens there
			}
			in := new(dns.Msg)
			if in.Unpack(r.buf[:n]) != nil || in.Id != m.Id || !in.Response || len(in.Question) != 1 ||
				in.Question[0].Qtype != q.Qtype || !strings.EqualFold(in.Question[0].Name, q.Name) {
				continue
			}
			b.answered.Add(1)
			if send == 1 {
				b.sample(time.Since(sentAt))
				b.win.grew()
			}
			return in, nil
		}
		now := time.Now()
		if send == 1 {
			b.win.lost(now, wait)
		}
		if send >= MaxSends || !now.Before(deadline) {
			return nil, errNoAnswer
		}
		if send < MaxSends-1 {
			wait *= 2 // the last send waits as long as the one before
		}
	}
}
