//go:build linux

package scan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// engine runs the probes of one plan on a few event loops, one per
// processor: each keeps up to its share of the probes in flight with
// non-blocking sockets and an epoll instance. On loopback (and veth) the
// kernel answers a SYN before connect(2) returns, so most probes are
// decided by a second connect(2) without touching epoll at all.
type engine struct {
	p             *plan
	ns            *netns // nil: the process's own namespace
	timeout       int64  // ns: a probe's timeout until its host has answered
	maxTimeout    int64  // ns: the cap of any probe's timeout
	hostTimeout   int64  // ns: how long after its first probe a host is given up; 0: never
	minRTT        int64  // ns: the shortest timeout a host's round-trip time gives
	rateWindow    int64  // ns: how long a rate-limited host needs to answer again
	rateRounds    int32  // slow retries of one port on a rate-limited host
	bannerTimeout int64
	retries       int
	maxRetries    int // retries a host that drops probes may earn
	banner        bool
	hosts         *hostTable

	next      atomic.Int64 // next position to start
	done      atomic.Int64 // positions decided (or skipped)
	cancelled atomic.Bool
	pace      *pacer // nil: no rate cap
}

func (s *Scanner) run(ctx context.Context, p *plan) error {
	n := int(min(p.size()-int64(p.from), 1<<30))
	window := max(1, min(s.workers(), fdAvailable(s.fdLimit), n))
	loops := max(1, min(runtime.GOMAXPROCS(0), window))
	window = max(window, loops)
	e := &engine{
		p:             p,
		timeout:       int64(s.initialRTTTimeout()),
		maxTimeout:    int64(s.maxRTTTimeout()),
		hostTimeout:   int64(max(s.HostTimeout, 0)),
		minRTT:        int64(min(s.minRTTTimeout(), s.maxRTTTimeout())),
		rateWindow:    int64(DefaultRateLimitWindow),
		rateRounds:    int32(s.rateLimitRounds()),
		hosts:         newHostTable(p.space.total),
		bannerTimeout: int64(s.bannerTimeout()),
		retries:       s.retries(),
		maxRetries:    s.maxRetries(),
		banner:        s.Banner,
		pace:          newPacer(s.Rate),
	}
	e.next.Store(int64(p.from))
	e.done.Store(int64(p.from))
	stop := context.AfterFunc(ctx, func() { e.cancelled.Store(true) })
	defer stop()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// Every loop's descriptors exist before any probe takes one, so a
	// shortage cannot stop a loop from starting.
	if s.Namespace != "" {
		ns, err := openNetns(s.Namespace)
		if err != nil {
			return err
		}
		defer ns.close()
		e.ns = ns
	}
	epfds := make([]int, loops)
	for i := range epfds {
		fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			for _, fd := range epfds[:i] {
				unix.Close(fd)
			}
			return fmt.Errorf("scan: epoll_create1: %w", err)
		}
		epfds[i] = fd
	}
	stopProgress := startProgress(s.Progress, p.start, p.size(), &e.done)
	errs := make([]error, loops)
	var wg sync.WaitGroup
	// --min-rate: enough probes in flight to send MinRate a second even
	// if each waits out its timeout.
	floor := min(window, int(math.Ceil(s.MinRate*float64(e.timeout)/float64(time.Second))))
	for i := range loops {
		share, least := window/loops, floor/loops
		if i < window%loops {
			share++
		}
		if i < floor%loops {
			least++
		}
		wg.Go(func() { errs[i] = e.loop(epfds[i], share, least) })
	}
	wg.Wait()
	stopProgress()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// probe is one attempt at one (host, port) pair.
type probe struct {
	pos     int64 // position in the plan's walk
	host    uint64
	ip      netip.Addr
	port    uint16
	pi      int32 // port index
	attempt int32 // 0 for the first probe
	selfs   int32 // self-connections so far
	rounds  int32 // slow retries after a rate-limited host's silence
	misses  int32 // slow retries that met only silence
	quiet   int64 // for a slow retry: the host's last answer when it was sent
	sent    int64 // ns since the scan started: when this attempt was sent
}

const (
	phaseFree uint8 = iota
	phaseConnect
	phaseBanner
)

// slot is the state of a socket in flight, indexed by its descriptor.
type slot struct {
	gen   uint32
	phase uint8
	probe probe
	start int64 // ns since the scan started
	rtt   int64
}

type deadline struct {
	fd  int32
	gen uint32
	at  int64
}

// fifo holds deadlines in the order they expire: every probe of a phase
// has the same timeout, so deadlines are appended in order.
type fifo struct {
	q    []deadline
	head int
}

func (f *fifo) push(d deadline) {
	if f.head > 1024 && f.head*2 > len(f.q) {
		f.q = append(f.q[:0], f.q[f.head:]...)
		f.head = 0
	}
	f.q = append(f.q, d)
}
func (f *fifo) front() (deadline, bool) {
	if f.head == len(f.q) {
		return deadline{}, false
	}
	return f.q[f.head], true
}
func (f *fifo) pop() { f.head++ }

type loop struct {
	e         *engine
	epfd      int
	slots     []slot
	connQ     timeHeap[deadline] // probes' timeouts differ by host
	bannerQ   fifo
	retryQ    []probe
	laterQ    timeHeap[delayed] // probes that wait for a rate-limited host
	inflight  int
	window    int
	maxWindow int
	minWindow int // --min-rate's floor: cuts stop there
	backoff   time.Duration
	// Congestion control, after nmap's timing engine (and TCP's): the
	// window grows by one per answer below ssthresh (slow start), by
	// one per window of answers above it, and halves, at most once per
	// timeout, when a probe that timed out is answered on retry (a
	// drop, not a filtered port).
	ssthresh  int
	credit    int
	lastDrop  int64
	paceUntil int64 // ns since start: no probe before (rate cap)
	// spare holds a socket per address family whose connect was refused
	// synchronously: such a socket is unconnected again and can probe the
	// next port, which saves a socket(2) and a close(2) per closed port.
	spare [2]int
	// batch holds a stream's records until it is full or the loop is
	// about to wait; see plan.flush.
	batch  []Record
	events [256]unix.EpollEvent
	buf    [BannerMax]byte
}

// loop runs one event loop on epfd, which it closes.
func (e *engine) loop(epfd, window, least int) (err error) {
	if e.ns != nil {
		restore, err := e.ns.enter()
		if err != nil {
			unix.Close(epfd)
			return err
		}
		defer func() {
			if rerr := restore(); rerr != nil && err == nil {
				err = rerr
			}
		}()
	}
	l := &loop{e: e, epfd: epfd, window: window, maxWindow: window, minWindow: max(1, least), ssthresh: window, lastDrop: -e.timeout, spare: [2]int{-1, -1}}
	defer l.close()
	return l.run()
}

func (l *loop) now() int64 { return int64(time.Since(l.e.p.start)) }

// close closes the epoll instance and every socket still in flight.
func (l *loop) close() {
	l.flush()
	for fd := range l.slots {
		if l.slots[fd].phase != phaseFree {
			l.free(fd)
			unix.Close(fd)
		}
	}
	for _, fd := range l.spare {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
	unix.Close(l.epfd)
}

func (l *loop) run() error {
	for {
		if l.e.cancelled.Load() {
			return nil
		}
		now := l.now()
		l.expire(now)
		if err := l.submit(); err != nil {
			return err
		}
		if l.inflight == 0 {
			if len(l.retryQ) == 0 && len(l.laterQ) == 0 && l.e.next.Load() >= int64(l.e.p.size()) {
				return nil
			}
			l.flush()
			if l.backoff > 0 {
				time.Sleep(l.backoff)
			} else if d := l.paceUntil - l.now(); d > 0 {
				time.Sleep(min(time.Duration(d), 50*time.Millisecond))
			} else if len(l.laterQ) > 0 && l.e.next.Load() >= int64(l.e.p.size()) && len(l.retryQ) == 0 {
				if d := l.laterQ[0].at - l.now(); d > 0 {
					time.Sleep(min(time.Duration(d), 50*time.Millisecond))
				}
			}
			continue
		}
		wait := 0
		if !l.canSubmit(now) {
			wait = 50
			if d, ok := l.nextDeadline(); ok {
				wait = min(wait, msUntil(d, now))
			}
			if l.paceUntil > now {
				wait = min(wait, msUntil(l.paceUntil, now))
			}
			if len(l.laterQ) > 0 {
				wait = min(wait, msUntil(l.laterQ[0].at, now))
			}
			if wait > 0 {
				l.flush()
			}
		}
		n, err := unix.EpollWait(l.epfd, l.events[:], wait)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return fmt.Errorf("scan: epoll_wait: %w", err)
		}
		for _, ev := range l.events[:n] {
			l.handle(int(ev.Fd), uint32(ev.Pad))
		}
	}
}

func (l *loop) nextDeadline() (int64, bool) {
	c, okc := l.connQ.front()
	b, okb := l.bannerQ.front()
	switch {
	case okc && okb:
		return min(c.at, b.at), true
	case okc:
		return c.at, true
	case okb:
		return b.at, true
	}
	return 0, false
}

func msUntil(t, now int64) int {
	return max(0, int((t-now+int64(time.Millisecond)-1)/int64(time.Millisecond)))
}

func (l *loop) canSubmit(now int64) bool {
	return l.backoff == 0 && l.inflight < l.window && now >= l.paceUntil &&
		(len(l.retryQ) > 0 || l.e.next.Load() < int64(l.e.p.size()) || len(l.laterQ) > 0 && l.laterQ[0].at <= now)
}

// submit starts probes until the window is full or the work runs out.
func (l *loop) submit() error {
	size := int64(l.e.p.size())
	skip := l.e.p.skip
	for l.inflight < l.window && !l.e.cancelled.Load() {
		if l.e.pace != nil {
			now := l.now()
			if w := l.e.pace.take(now); w > 0 {
				l.paceUntil = now + w
				return nil
			}
		}
		var pr probe
		if len(l.laterQ) > 0 && l.laterQ[0].at <= l.now() {
			d := l.laterQ.pop()
			if d.full {
				pr = d.pr
			} else if last := l.e.hosts.get(d.pr.host).lastAnswer.Load(); last+l.e.rateWindow > d.at {
				// The host may have answered since the probe was put off:
				// it goes once the host has been silent for a whole window.
				quiet := last + l.e.rateWindow
				l.laterQ.push(delayed{at: quiet, pr: d.pr})
				if l.e.pace != nil {
					l.e.pace.refund()
				}
				continue
			} else {
				pr = d.pr
				pr.quiet = last
			}
		} else if k := len(l.retryQ); k > 0 {
			pr = l.retryQ[k-1]
			l.retryQ = l.retryQ[:k-1]
		} else {
			i := l.e.next.Add(1) - 1
			if i >= size {
				return nil
			}
			if skip != nil && skip(uint64(i)) || l.e.p.hostDown(i) {
				l.e.p.skipped.Add(1)
				l.e.done.Add(1)
				if l.e.pace != nil {
					l.e.pace.refund()
				}
				continue
			}
			pr = l.e.p.probeOf(i)
		}
		if l.hostTimedOut(&pr) {
			if l.e.pace != nil {
				l.e.pace.refund()
			}
			l.decide(pr, vFiltered, ReasonHostTimeout, 0, "")
			continue
		}
		if h := l.e.hosts.get(pr.host); h.full() {
			// The host's own window is full: the probe waits a little,
			// and the loop goes on with other hosts' probes.
			if l.e.pace != nil {
				l.e.pace.refund()
			}
			l.laterQ.push(delayed{at: l.now() + hostWait(h), pr: pr, full: true})
			continue
		}
		ok, err := l.start(pr)
		if err != nil {
			return err
		}
		if !ok { // a local shortage: wait for sockets to close
			l.retryQ = append(l.retryQ, pr)
			l.e.p.countLocal(&pr)
			l.ssthresh = max(2, l.window/2)
			l.window = max(1, l.inflight) // a local shortage: --min-rate cannot help
			if l.inflight == 0 {
				l.backoff = min(max(2*l.backoff, time.Millisecond), 64*time.Millisecond)
			}
			return nil
		}
	}
	return nil
}

func (e *engine) sockaddr(pr *probe) (domain int, sa unix.Sockaddr, err error) {
	ip, port := pr.ip, int(pr.port)
	if ip.Is4() || ip.Is4In6() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: port, Addr: ip.Unmap().As4()}, nil
	}
	sa6 := &unix.SockaddrInet6{Port: port, Addr: ip.As16()}
	if z := ip.Zone(); z != "" {
		idx, err := zoneIndex(z)
		if err != nil {
			return 0, nil, err
		}
		sa6.ZoneId = idx
	}
	return unix.AF_INET6, sa6, nil
}

// start sends one probe. It returns false for a local shortage (the
// probe must be retried later) and an error only for failures that no
// retry can fix.
func (l *loop) start(pr probe) (bool, error) {
	var zone uint32
	if z := pr.ip.Zone(); z != "" {
		idx, err := zoneIndex(z)
		if err != nil {
			return false, err
		}
		zone = idx
	}
	var dst rawSockaddr
	domain := dst.set(&pr, zone)
	l.e.p.sent.Add(1)
	if l.e.p.udp {
		return l.startUDP(pr, &dst, domain)
	}
	family := 0
	if domain == unix.AF_INET6 {
		family = 1
	}
	fd := l.spare[family]
	l.spare[family] = -1
	if fd < 0 {
		var err error
		fd, err = unix.Socket(domain, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			if isLocal(err) {
				return false, nil
			}
			return false, fmt.Errorf("scan: socket: %w", err)
		}
	}
	t0 := l.now()
	pr.sent = t0
	if l.e.hostTimeout > 0 {
		l.e.hosts.get(pr.host).firstSent.CompareAndSwap(0, t0+1)
	}
	errno := dst.connect(fd)
	if errno == unix.EINPROGRESS {
		// The kernel has usually handled a local peer's answer already.
		errno = dst.connect(fd)
	}
	var err error
	if errno != 0 {
		err = errno
	}
	v, reason := classify(err)
	switch v {
	case vLocal:
		unix.Close(fd)
		return false, nil
	case vPending:
		l.take(fd, pr, phaseConnect, t0)
		if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, l.event(fd, unix.EPOLLOUT)); err != nil {
			l.free(fd)
			unix.Close(fd)
			return false, fmt.Errorf("scan: epoll_ctl: %w", err)
		}
		timeout := l.e.hosts.get(pr.host).timeout(l.e.timeout, l.e.minRTT, l.e.maxTimeout)
		l.connQ.push(deadline{fd: int32(fd), gen: l.slots[fd].gen, at: t0 + timeout})
	case vOpen:
		_, sa, _ := l.e.sockaddr(&pr)
		l.connected(fd, pr, t0, sa, false)
	default:
		if errno == unix.ECONNREFUSED {
			l.spare[family] = fd // connect(2) disconnected it again
		} else {
			unix.Close(fd)
		}
		l.decide(pr, v, reason, l.now()-t0, "")
	}
	l.backoff = 0
	return true, nil
}

func (l *loop) event(fd int, events uint32) *unix.EpollEvent {
	return &unix.EpollEvent{Events: events, Fd: int32(fd), Pad: int32(l.slots[fd].gen)}
}

// take marks fd as in flight.
func (l *loop) take(fd int, pr probe, phase uint8, t0 int64) {
	if fd >= len(l.slots) {
		l.slots = append(l.slots, make([]slot, fd+1-len(l.slots)+64)...)
	}
	s := &l.slots[fd]
	s.gen++
	s.phase, s.probe, s.start = phase, pr, t0
	if phase == phaseConnect {
		l.e.hosts.get(pr.host).pending.Add(1)
	}
	l.inflight++
}

// leaveConnect notes that the slot's probe no longer waits for its
// connect: it counts in its host's window no more.
func (l *loop) leaveConnect(s *slot) {
	if s.phase == phaseConnect {
		l.e.hosts.get(s.probe.host).pending.Add(-1)
	}
}

// free marks fd as no longer in flight; the caller closes it.
func (l *loop) free(fd int) {
	l.leaveConnect(&l.slots[fd])
	l.slots[fd].phase = phaseFree
	l.inflight--
}

// answered learns from an answer (open or refused): the host's
// round-trip time, from first attempts only (Karn's rule); and the
// window, which grows, or halves when the answer came only on a retry
// after a timeout: a drop, unless the host is limiting its answers, which
// says nothing of the network.
func (l *loop) answered(pr *probe, refused bool, rtt int64) {
	now := pr.sent + rtt // no clock read: it costs a system call on some kernels
	h := l.e.hosts.get(pr.host)
	h.answered(now, refused)
	if pr.attempt == 0 && pr.rounds == 0 {
		h.sample(rtt)
	}
	if pr.attempt == 0 {
		h.grew(int32(l.maxWindow))
	}
	if pr.attempt > 0 && pr.rounds == 0 && !h.rateLimited(now) {
		l.e.p.drops.Add(1)
		h.dropped(now, l.e.timeout)
		if a := pr.attempt; a > h.maxTry.Load() {
			h.maxTry.Store(a) // a racing loop may store a smaller one: it learns again
		}
		if now-l.lastDrop >= l.e.timeout {
			l.lastDrop = now
			l.ssthresh = max(2, l.window/2)
			l.window = max(l.ssthresh, l.minWindow)
			l.credit = 0
			return
		}
	}
	if l.window >= l.maxWindow {
		return
	}
	if l.window < l.ssthresh {
		l.window++
		return
	}
	if l.credit++; l.credit >= l.window {
		l.credit = 0
		l.window++
	}
}

// connected handles a socket whose connect succeeded.
func (l *loop) connected(fd int, pr probe, t0 int64, dst unix.Sockaddr, registered bool) {
	rtt := l.now() - t0
	if isSelfConnect(fd, dst) {
		if registered {
			l.free(fd)
		}
		closeRST(fd)
		pr.selfs++
		if pr.selfs >= maxSelfConnects {
			l.decide(pr, vClosed, ReasonSelfConnect, rtt, "")
			return
		}
		l.e.p.countRetry(&pr)
		l.retryQ = append(l.retryQ, pr)
		return
	}
	if !l.e.banner {
		if registered {
			l.free(fd)
		}
		closeRST(fd)
		l.decide(pr, vOpen, ReasonSynAck, rtt, "")
		return
	}
	op := unix.EPOLL_CTL_MOD
	if !registered {
		l.take(fd, pr, phaseBanner, t0)
		op = unix.EPOLL_CTL_ADD
	}
	s := &l.slots[fd]
	l.leaveConnect(s)
	s.gen++
	s.phase, s.rtt = phaseBanner, rtt
	if err := unix.EpollCtl(l.epfd, op, fd, l.event(fd, unix.EPOLLIN|unix.EPOLLRDHUP)); err != nil {
		l.free(fd)
		closeRST(fd)
		l.decide(pr, vOpen, ReasonSynAck, rtt, "")
		return
	}
	l.bannerQ.push(deadline{fd: int32(fd), gen: s.gen, at: l.now() + l.e.bannerTimeout})
}

// handle processes an epoll event for fd.
func (l *loop) handle(fd int, gen uint32) {
	if fd >= len(l.slots) || l.slots[fd].phase == phaseFree || l.slots[fd].gen != gen {
		return // stale
	}
	s := &l.slots[fd]
	pr := s.probe
	switch s.phase {
	case phaseConnect:
		if l.e.p.udp {
			l.handleUDP(fd, s)
			return
		}
		errno, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err == nil && errno != 0 {
			err = unix.Errno(errno)
		}
		v, reason := classify(err)
		switch v {
		case vPending:
			return // spurious wake-up
		case vOpen:
			_, dst, _ := l.e.sockaddr(&pr)
			l.connected(fd, pr, s.start, dst, true)
		case vLocal:
			l.free(fd)
			unix.Close(fd)
			l.e.p.countLocal(&pr)
			l.retryQ = append(l.retryQ, pr)
		default:
			rtt := l.now() - s.start
			l.free(fd)
			unix.Close(fd)
			l.decide(pr, v, reason, rtt, "")
		}
	case phaseBanner:
		n, err := unix.Read(fd, l.buf[:])
		if err == unix.EAGAIN {
			return
		}
		banner := ""
		if n > 0 {
			banner = string(l.buf[:n])
		}
		rtt := s.rtt
		l.free(fd)
		closeRST(fd)
		l.decide(pr, vOpen, ReasonSynAck, rtt, banner)
	}
}

// expire ends the probes whose deadline has passed.
func (l *loop) expire(now int64) {
	for {
		d, ok := l.connQ.front()
		if !ok || d.at > now {
			break
		}
		l.connQ.pop()
		fd := int(d.fd)
		if s := &l.slots[fd]; s.phase != phaseConnect || s.gen != d.gen {
			continue
		}
		if l.e.p.udp && udpReady(fd) || !l.e.p.udp && answeredLate(fd) {
			// The answer came in time but waits in epoll's queue: a
			// descheduled loop must not call it a timeout.
			l.handle(fd, d.gen)
			if s := &l.slots[fd]; s.phase != phaseConnect || s.gen != d.gen {
				continue
			}
		}
		pr := l.slots[fd].probe
		l.free(fd)
		unix.Close(fd)
		if at := lastSYN(pr.sent, now); at > pr.sent && !l.e.p.udp {
			// The kernel sent the SYN again while the probe waited; a
			// rate-limited host may have spent an answer on it that
			// came after the socket closed, unseen.
			l.e.hosts.get(pr.host).spent(at)
		}
		if l.hostTimedOut(&pr) {
			l.decide(pr, vFiltered, ReasonHostTimeout, now-pr.sent, "")
			continue
		}
		if int(pr.attempt) < l.e.allowedRetries(pr.host) {
			pr.attempt++
			l.e.p.countRetry(&pr)
			l.retryQ = append(l.retryQ, pr)
			continue
		}
		if at, again := l.slowRetry(&pr, now); again {
			l.e.p.countRetry(&pr)
			l.laterQ.push(delayed{at: at, pr: pr})
			continue
		}
		if l.e.p.udp {
			l.decide(pr, vOpenFiltered, ReasonNoResponse, now-pr.sent, "")
			continue
		}
		l.decide(pr, vFiltered, ReasonTimeout, now-pr.sent, "")
	}
	for {
		d, ok := l.bannerQ.front()
		if !ok || d.at > now {
			break
		}
		l.bannerQ.pop()
		fd := int(d.fd)
		s := &l.slots[fd]
		if s.phase != phaseBanner || s.gen != d.gen {
			continue
		}
		pr, rtt := s.probe, s.rtt
		l.free(fd)
		closeRST(fd)
		l.decide(pr, vOpen, ReasonSynAck, rtt, "")
	}
}

// allowedRetries is how many retries an unanswered probe of host gets:
// Retries, or MaxRetries once the host has answered a probe only on a
// retry. nmap allows one try more than the latest the host answered;
// but the ports whose tries run out before another port's late answer
// raises that allowance come out filtered on a lossy link (1 port in
// 300 with a third of the SYNs dropped), so a host that has shown loss
// gets every retry at once.
func (e *engine) allowedRetries(host uint64) int {
	if e.hosts.get(host).maxTry.Load() > 0 {
		return e.maxRetries
	}
	return e.retries
}

// hostWait is how long a probe whose host's window is full waits before
// it asks again: half the host's round-trip time, within [1 ms, 50 ms].
func hostWait(h *hostTiming) int64 {
	return min(max(h.srtt.Load()/2, int64(time.Millisecond)), int64(50*time.Millisecond))
}

// hostTimedOut reports whether the probe's host has run out of
// Scanner.HostTimeout.
func (l *loop) hostTimedOut(pr *probe) bool {
	if l.e.hostTimeout == 0 {
		return false
	}
	first := l.e.hosts.get(pr.host).firstSent.Load()
	return first != 0 && l.now()-(first-1) >= l.e.hostTimeout
}

// slowRetry decides whether an unanswered probe, its retries spent, is
// sent again later, and when. Linux answers closed ports with ICMP
// port-unreachable at most once a second after a burst of about six, so
// on a host that refuses at that pace a timeout may be a refusal the
// host kept back: the probe goes again once the host has been silent for
// a rate-limit window, when it has an answer to spare. Such a probe that
// then meets only silence (no answer from the host while it waited) is
// filtered for sure (after two such rounds); if other probes were
// answered meanwhile, it may have lost the one answer to them and goes
// again. Every round decides at
// least one port, so the rounds end; RateLimitRounds caps them.
func (l *loop) slowRetry(pr *probe, now int64) (at int64, again bool) {
	h := l.e.hosts.get(pr.host)
	if pr.rounds >= l.e.rateRounds || !h.rateLimited(now) {
		return 0, false
	}
	last := h.lastAnswer.Load()
	if pr.rounds > 0 && last == pr.quiet {
		// A quiet round went unanswered: the host answered nothing
		// since before this probe was sent. Twice, so that an answer
		// another event loop has not noted yet cannot decide it.
		if pr.misses++; pr.misses >= 2 {
			return 0, false
		}
	}
	pr.rounds++
	return max(now, last+l.e.rateWindow), true
}

// decide records the state of a probe's port.
func (l *loop) decide(pr probe, v verdict, reason string, rtt int64, banner string) {
	st := Filtered
	switch v {
	case vOpen:
		st = Open
	case vClosed:
		st = Closed
	case vOpenFiltered:
		st = OpenFiltered
	}
	if st == Open || st == Closed {
		l.answered(&pr, st == Closed, rtt)
	}
	r, ok := l.e.p.outcome(&pr, Port{
		Port:   int(pr.port),
		State:  st,
		Reason: reason,
		Banner: banner,
		RTT:    time.Duration(rtt),
	})
	if ok {
		if l.batch == nil {
			l.batch = make([]Record, 0, batchMax)
		}
		l.batch = append(l.batch, r)
		if len(l.batch) == batchMax {
			l.flush()
		}
	}
	l.e.done.Add(1)
}

// batchMax is the most records a loop holds before it hands them to the
// sink.
const batchMax = 256

// flush hands the loop's batched records to the sink.
func (l *loop) flush() {
	if len(l.batch) > 0 {
		l.e.p.flush(l.batch)
		clear(l.batch)
		l.batch = l.batch[:0]
	}
}

// udpReady reports whether a UDP probe's socket has a reply or an error
// queued.
func udpReady(fd int) bool {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(pfd, 0)
	return err == nil && n > 0 && pfd[0].Revents&(unix.POLLIN|unix.POLLERR) != 0
}

// answeredLate reports whether a connecting socket has an outcome ready.
func answeredLate(fd int) bool {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	n, err := unix.Poll(pfd, 0)
	return err == nil && n == 1 && pfd[0].Revents&(unix.POLLOUT|unix.POLLERR|unix.POLLHUP) != 0
}

// isSelfConnect reports whether fd is connected to itself: its local
// address equals the destination.
func isSelfConnect(fd int, dst unix.Sockaddr) bool {
	local, err := unix.Getsockname(fd)
	if err != nil {
		return false
	}
	switch d := dst.(type) {
	case *unix.SockaddrInet4:
		l, ok := local.(*unix.SockaddrInet4)
		return ok && l.Port == d.Port && l.Addr == d.Addr
	case *unix.SockaddrInet6:
		l, ok := local.(*unix.SockaddrInet6)
		return ok && l.Port == d.Port && l.Addr == d.Addr
	}
	return false
}

// closeRST closes a connected socket with SO_LINGER 0, which sends RST
// and leaves no TIME_WAIT.
func closeRST(fd int) {
	unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	unix.Close(fd)
}
