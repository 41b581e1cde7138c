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

// run is the portable engine: a pool of goroutines dialing with
// net.Dialer. It decides states like the Linux engine but is slower.
func (s *Scanner) run(ctx context.Context, p *plan) error {
	if s.Namespace != "" {
		return errors.New("scan: network namespaces need Linux")
	}
	n := p.size()
	workers := max(1, min(s.workers(), fdAvailable(s.fdLimit), n))
	var next, done atomic.Int64
	stopProgress := startProgress(s.Progress, p.start, int64(n), &done)
	defer stopProgress()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				port, retries, local := s.probe(ctx, p, i)
				if ctx.Err() != nil {
					return
				}
				h, pi := p.pair(i)
				mu.Lock()
				p.results[h].Ports[pi] = port
				p.results[h].Retries += retries
				p.results[h].LocalErrors += local
				mu.Unlock()
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

func (s *Scanner) probe(ctx context.Context, p *plan, i int) (port Port, retries, local int) {
	h, pi := p.pair(i)
	addr := netip.AddrPortFrom(p.hosts[h].ip, uint16(p.ports[pi])).String()
	port.Port = p.ports[pi]
	d := net.Dialer{Timeout: s.timeout()}
	for attempt, selfs := 0, 0; ctx.Err() == nil; {
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
				retries++
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
				retries++
				continue
			}
			port.State, port.Reason, port.RTT = Filtered, ReasonTimeout, s.timeout()
			return
		}
		v, reason := classify(err)
		switch v {
		case vLocal:
			local++
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
