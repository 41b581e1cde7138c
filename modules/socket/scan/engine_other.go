//go:build unix && !linux

package scan

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// probe is one (host, port) pair of the walk.
type probe struct {
	pos  int64
	host uint64
	ip   netip.Addr
	port uint16
	pi   int32
}

// run is the portable engine: a pool of goroutines dialing with
// net.Dialer. It decides states like the Linux engine but is slower.
func (s *Scanner) run(ctx context.Context, p *plan) error {
	if s.Namespace != "" {
		return errors.New("scan: network namespaces need Linux")
	}
	if p.udp {
		return errors.New("scan: UDP scans need Linux (IP_RECVERR)")
	}
	n := p.size()
	workers := max(1, min(s.workers(), fdAvailable(s.fdLimit), int(min(n-int64(p.from), 1<<20))))
	var next, done atomic.Int64
	next.Store(int64(p.from))
	done.Store(int64(p.from))
	pace := newPacer(s.Rate)
	stopProgress := startProgress(s.Progress, p.start, n, &done)
	defer stopProgress()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= n {
					return
				}
				if p.skip != nil && p.skip(uint64(i)) {
					p.skipped.Add(1)
					done.Add(1)
					continue
				}
				pr := p.probeOf(i)
				port := s.probe(ctx, p, &pr, pace)
				if ctx.Err() != nil {
					return
				}
				p.record(&pr, port)
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

func (s *Scanner) probe(ctx context.Context, p *plan, pr *probe, pace *pacer) (port Port) {
	addr := netip.AddrPortFrom(pr.ip, pr.port).String()
	port.Port = int(pr.port)
	d := net.Dialer{Timeout: s.initialRTTTimeout()}
	for attempt, selfs := 0, 0; ctx.Err() == nil; {
		for pace != nil {
			w := pace.take(int64(time.Since(p.start)))
			if w == 0 {
				break
			}
			time.Sleep(time.Duration(w))
		}
		p.sent.Add(1)
		t0 := time.Now()
		c, err := d.DialContext(ctx, "tcp", addr)
		port.RTT = time.Since(t0)
		if err == nil {
			tc := c.(*net.TCPConn)
			if c.LocalAddr().String() == c.RemoteAddr().String() {
				tc.SetLinger(0)
				c.Close()
				if selfs++; selfs >= maxSelfConnects {
					port.State, port.Reason = Closed, ReasonSelfConnect
					return
				}
				p.countRetry(pr)
				continue
			}
			port.State, port.Reason = Open, ReasonSynAck
			if s.Banner {
				c.SetReadDeadline(time.Now().Add(s.bannerTimeout()))
				buf := make([]byte, BannerMax)
				k, _ := io.ReadAtLeast(c, buf, 1)
				port.Banner = string(buf[:k])
			}
			tc.SetLinger(0)
			c.Close()
			return
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			if attempt < s.retries() {
				attempt++
				p.countRetry(pr)
				continue
			}
			port.State, port.Reason, port.RTT = Filtered, ReasonTimeout, s.initialRTTTimeout()
			return
		}
		v, reason := classify(err)
		switch v {
		case vLocal:
			p.countLocal(pr)
			time.Sleep(10 * time.Millisecond)
			continue
		case vClosed:
			port.State = Closed
		default:
			port.State = Filtered
		}
		port.Reason = reason
		return
	}
	return
}

// CheckNamespace reports that network namespaces need Linux.
func CheckNamespace(path string) error {
	return errors.New("scan: network namespaces need Linux")
}
