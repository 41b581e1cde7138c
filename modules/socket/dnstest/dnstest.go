// Package dnstest is an in-process DNS server for tests, in the manner of
// net/http/httptest: start it on 127.0.0.1:0 in one line, point the code
// under test at Addr, and Close it when done. Close waits for every
// goroutine the server started.
//
// The server listens on UDP and on TCP at the same port. It answers
// questions from records added with the Add methods (A, AAAA, PTR and
// CNAME with AddA...; any type in zone-file syntax with AddRR), follows
// CNAME chains within its records as a recursive resolver would, and
// answers NXDOMAIN for names it does not know. Zone transfers (AXFR,
// over TCP) are answered for the zones named with AllowTransfer and
// refused for the others. An optional delay before each answer simulates
// a slow resolver, and DropFirst a lossy network: the first attempts of a
// fixed share of questions get no answer, so a client must retransmit.
package dnstest

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/sys/unix"
)

// Server is a running DNS server over UDP and TCP.
type Server struct {
	// Addr is the server's "ip:port", the same for UDP and TCP.
	Addr string

	srv     *dns.Server // UDP
	tcp     *dns.Server
	served  chan struct{}
	tcpDone chan struct{}
	done    chan struct{}
	closing sync.Once

	mu      sync.RWMutex
	a       map[string][]netip.Addr // fqdn -> IPv4 addresses
	aaaa    map[string][]netip.Addr
	cname   map[string]string     // fqdn -> target fqdn
	ptr     map[string][]string   // reverse fqdn -> names
	failing map[string]bool       // fqdn -> SERVFAIL
	rrs     map[question][]dns.RR // AddRR's other types
	xfr     map[string]bool       // zones AXFR may transfer
	delay   time.Duration

	// Loss (DropFirst): every dropEvery-th distinct question loses its
	// first dropTries attempts.
	dropEvery, dropTries int
	seen                 map[question]*asked // guarded by mu (write lock)
	byName               map[string]int      // attempts per name, any type
	distinct             int                 // questions in seen
	dropped              int

	queries atomic.Int64
}

// question is a name (lower case, fully qualified) and a type.
type question struct {
	name  string
	qtype uint16
}

// asked is what the server knows of one question: how many times it came
// and how many of its attempts it must leave unanswered.
type asked struct {
	times int
	drop  int
}

// NewServer starts a server on 127.0.0.1 at a free port. It panics if it
// cannot listen, as httptest.NewServer does.
func NewServer() *Server {
	s, err := Start("127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("dnstest: %v", err))
	}
	return s
}

// Start starts a server on addr ("127.0.0.1:0" for any free port; a fixed
// port such as 53 needs the privilege to bind it), over UDP and TCP.
func Start(addr string) (*Server, error) {
	pc, ln, err := listenBoth(addr)
	if err != nil {
		return nil, err
	}
	growReadBuffer(pc)
	s := &Server{
		Addr:    pc.LocalAddr().String(),
		served:  make(chan struct{}),
		tcpDone: make(chan struct{}),
		done:    make(chan struct{}),
		a:       map[string][]netip.Addr{},
		aaaa:    map[string][]netip.Addr{},
		cname:   map[string]string{},
		ptr:     map[string][]string{},
		failing: map[string]bool{},
		rrs:     map[question][]dns.RR{},
		xfr:     map[string]bool{},
		seen:    map[question]*asked{},
		byName:  map[string]int{},
	}
	started, tcpStarted := make(chan struct{}), make(chan struct{})
	s.srv = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.serve), NotifyStartedFunc: func() { close(started) }}
	s.tcp = &dns.Server{Listener: ln, Handler: dns.HandlerFunc(s.serve), NotifyStartedFunc: func() { close(tcpStarted) }}
	go func() {
		defer close(s.served)
		s.srv.ActivateAndServe() // returns once Shutdown is called; serving errors end the server
	}()
	go func() {
		defer close(s.tcpDone)
		s.tcp.ActivateAndServe()
	}()
	for _, c := range []chan struct{}{started, tcpStarted} {
		select {
		case <-c:
		case <-s.served:
			s.Close()
			return nil, fmt.Errorf("dnstest: server on %s failed to start", s.Addr)
		case <-s.tcpDone:
			s.Close()
			return nil, fmt.Errorf("dnstest: TCP server on %s failed to start", s.Addr)
		}
	}
	return s, nil
}

// listenBoth listens on UDP at addr and on TCP at the same port; with
// port 0 it tries other free UDP ports while the TCP one is taken.
func listenBoth(addr string) (net.PacketConn, net.Listener, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("dnstest: %w", err)
	}
	tries := 1
	if port == "0" {
		tries = 20
	}
	var lastErr error
	for range tries {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, err
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		lastErr = err
	}
	return nil, nil, fmt.Errorf("dnstest: no port free for both UDP and TCP: %w", lastErr)
}

// Close stops the server and waits for its goroutines, cutting short any
// answer still waiting for its delay. It is idempotent.
func (s *Server) Close() {
	s.closing.Do(func() {
		close(s.done)
		s.srv.Shutdown()
		s.tcp.Shutdown()
		<-s.served
		<-s.tcpDone
	})
}

// SetDelay makes the server wait d before each answer.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Queries returns how many questions the server has received.
func (s *Server) Queries() int { return int(s.queries.Load()) }

// DropFirst simulates packet loss, deterministically: counting distinct
// questions (name and type) in the order they first arrive, every
// every-th one gets no answer to its first tries attempts (a
// retransmission after that is answered). every <= 0 turns loss off.
// It applies to questions first seen after the call.
func (s *Server) DropFirst(every, tries int) {
	s.mu.Lock()
	s.dropEvery, s.dropTries = every, tries
	s.mu.Unlock()
}

// Dropped returns how many queries the server left unanswered (DropFirst).
func (s *Server) Dropped() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.dropped
}

// Forget clears what the server remembers of the questions it was
// asked: Asked and Dropped start again from zero, and so does the
// DropFirst count, so that a repeated run (a benchmark's iterations)
// meets the same losses again. Records and settings stay.
func (s *Server) Forget() {
	s.mu.Lock()
	s.seen, s.byName = map[question]*asked{}, map[string]int{}
	s.distinct, s.dropped = 0, 0
	s.mu.Unlock()
}

// Asked returns how many times the server has received a question about
// name, of any type (the name is case-insensitive, with or without the
// final dot).
func (s *Server) Asked(name string) int {
	name = dns.CanonicalName(name)
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byName[name]
}

// record counts one attempt of q and reports whether to leave it
// unanswered.
func (s *Server) record(q question) (drop bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.seen[q]
	if a == nil {
		a = &asked{}
		s.seen[q] = a
		s.distinct++
		if s.dropEvery > 0 && s.distinct%s.dropEvery == 0 {
			a.drop = s.dropTries
		}
	}
	a.times++
	s.byName[q.name]++
	if a.times <= a.drop {
		s.dropped++
		return true
	}
	return false
}

// AddA adds IPv4 addresses for name. It panics on a malformed address
// (a programming error in the test).
func (s *Server) AddA(name string, ips ...string) {
	s.add(s.a, name, ips, true)
}

// AddAAAA adds IPv6 addresses for name.
func (s *Server) AddAAAA(name string, ips ...string) {
	s.add(s.aaaa, name, ips, false)
}

func (s *Server) add(m map[string][]netip.Addr, name string, ips []string, v4 bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ip := range ips {
		a := netip.MustParseAddr(ip)
		if a.Is4() != v4 {
			panic(fmt.Sprintf("dnstest: %s is not an IPv%d address", ip, map[bool]int{true: 4, false: 6}[v4]))
		}
		m[dns.CanonicalName(name)] = append(m[dns.CanonicalName(name)], a)
	}
}

// AddCNAME makes name an alias of target.
func (s *Server) AddCNAME(name, target string) {
	s.mu.Lock()
	s.cname[dns.CanonicalName(name)] = dns.CanonicalName(target)
	s.mu.Unlock()
}

// AddPTR adds names for the reverse lookup of ip.
func (s *Server) AddPTR(ip string, names ...string) {
	arpa, err := dns.ReverseAddr(netip.MustParseAddr(ip).String())
	if err != nil {
		panic(fmt.Sprintf("dnstest: %v", err))
	}
	s.mu.Lock()
	for _, n := range names {
		s.ptr[arpa] = append(s.ptr[arpa], dns.Fqdn(n))
	}
	s.mu.Unlock()
}

// AddServFail makes every question about name fail with SERVFAIL.
func (s *Server) AddServFail(name string) {
	s.mu.Lock()
	s.failing[dns.CanonicalName(name)] = true
	s.mu.Unlock()
}

// AddRR adds records written as zone-file lines with an absolute name
// ("lab.test. 3600 IN MX 10 mail.lab.test."), of any type: MX, TXT, NS,
// SRV, SOA... A, AAAA, CNAME and PTR records join those of AddA,
// AddAAAA, AddCNAME and AddPTR (answered with a TTL of 60). It panics on
// a line miekg/dns cannot parse (a programming error in the test).
func (s *Server) AddRR(lines ...string) {
	for _, line := range lines {
		rr, err := dns.NewRR(line)
		if err != nil || rr == nil {
			panic(fmt.Sprintf("dnstest: record %q: %v", line, err))
		}
		h := rr.Header()
		name := dns.CanonicalName(h.Name)
		switch rr := rr.(type) {
		case *dns.A:
			s.AddA(name, rr.A.String())
		case *dns.AAAA:
			s.AddAAAA(name, rr.AAAA.String())
		case *dns.CNAME:
			s.AddCNAME(name, rr.Target)
		case *dns.PTR:
			s.mu.Lock()
			s.ptr[name] = append(s.ptr[name], rr.Ptr)
			s.mu.Unlock()
		default:
			h.Name = name
			s.mu.Lock()
			q := question{name, h.Rrtype}
			s.rrs[q] = append(s.rrs[q], rr)
			s.mu.Unlock()
		}
	}
}

// AllowTransfer lets zone be transferred with AXFR over TCP; the zone
// needs a SOA record (AddRR). Transfers of other zones, and AXFR
// questions over UDP, are answered REFUSED.
func (s *Server) AllowTransfer(zone string) {
	s.mu.Lock()
	s.xfr[dns.CanonicalName(zone)] = true
	s.mu.Unlock()
}

// errNoTransfer means a zone transfer is not allowed.
var errNoTransfer = errors.New("transfer refused")

// zoneRecords returns the records of zone in AXFR order: its SOA, every
// record whose name is in the zone (sorted by name, then type), then the
// SOA again. Called with s.mu held.
func (s *Server) zoneRecords(zone string) ([]dns.RR, error) {
	soa := s.rrs[question{zone, dns.TypeSOA}]
	if !s.xfr[zone] || len(soa) == 0 {
		return nil, errNoTransfer
	}
	in := func(name string) bool { return dns.IsSubDomain(zone, name) }
	var out []dns.RR
	for name, ips := range s.a {
		for _, ip := range ips {
			if in(name) {
				out = append(out, &dns.A{Hdr: hdr(name, dns.TypeA), A: ip.AsSlice()})
			}
		}
	}
	for name, ips := range s.aaaa {
		for _, ip := range ips {
			if in(name) {
				out = append(out, &dns.AAAA{Hdr: hdr(name, dns.TypeAAAA), AAAA: ip.AsSlice()})
			}
		}
	}
	for name, t := range s.cname {
		if in(name) {
			out = append(out, &dns.CNAME{Hdr: hdr(name, dns.TypeCNAME), Target: t})
		}
	}
	for name, ns := range s.ptr {
		for _, n := range ns {
			if in(name) {
				out = append(out, &dns.PTR{Hdr: hdr(name, dns.TypePTR), Ptr: n})
			}
		}
	}
	for q, rrs := range s.rrs {
		if in(q.name) && q != (question{zone, dns.TypeSOA}) {
			out = append(out, rrs...)
		}
	}
	slices.SortStableFunc(out, func(x, y dns.RR) int {
		return cmp.Or(strings.Compare(x.Header().Name, y.Header().Name), cmp.Compare(x.Header().Rrtype, y.Header().Rrtype), strings.Compare(x.String(), y.String()))
	})
	out = append([]dns.RR{soa[0]}, out...)
	return append(out, soa[0]), nil
}

// transferChunk is how many records go in one AXFR message, small so
// that tests see transfers of several messages.
const transferChunk = 4

// transfer answers an AXFR question: the zone in messages of
// transferChunk records over TCP, or REFUSED.
func (s *Server) transfer(w dns.ResponseWriter, req *dns.Msg) {
	zone := strings.ToLower(req.Question[0].Name)
	s.mu.RLock()
	rrs, err := s.zoneRecords(zone)
	s.mu.RUnlock()
	if _, udp := w.LocalAddr().(*net.UDPAddr); udp || err != nil {
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeRefused)
		w.WriteMsg(m)
		return
	}
	for len(rrs) > 0 {
		n := min(transferChunk, len(rrs))
		m := new(dns.Msg)
		m.SetReply(req)
		m.Authoritative = true
		m.Answer = rrs[:n]
		rrs = rrs[n:]
		if w.WriteMsg(m) != nil {
			return
		}
	}
}

func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	if len(req.Question) == 1 {
		q := req.Question[0]
		if s.record(question{strings.ToLower(q.Name), q.Qtype}) {
			return // lost
		}
	}
	s.mu.RLock()
	delay := s.delay
	s.mu.RUnlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
			return
		}
	}
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	if q.Qtype == dns.TypeAXFR {
		s.transfer(w, req)
		return
	}
	name := strings.ToLower(q.Name)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.failing[name] {
		m.Rcode = dns.RcodeServerFailure
		w.WriteMsg(m)
		return
	}
	// Follow CNAMEs first, as a recursive resolver does.
	for i := 0; i < 8; i++ {
		target, ok := s.cname[name]
		if !ok || q.Qtype == dns.TypeCNAME {
			break
		}
		m.Answer = append(m.Answer, &dns.CNAME{Hdr: hdr(name, dns.TypeCNAME), Target: target})
		name = target
	}
	known := len(s.a[name]) > 0 || len(s.aaaa[name]) > 0 || s.cname[name] != "" || len(s.ptr[name]) > 0 || s.hasRRs(name)
	m.Answer = append(m.Answer, s.rrs[question{name, q.Qtype}]...)
	switch q.Qtype {
	case dns.TypeA:
		for _, ip := range s.a[name] {
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr(name, dns.TypeA), A: ip.AsSlice()})
		}
	case dns.TypeAAAA:
		for _, ip := range s.aaaa[name] {
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(name, dns.TypeAAAA), AAAA: ip.AsSlice()})
		}
	case dns.TypeCNAME:
		if t, ok := s.cname[name]; ok {
			m.Answer = append(m.Answer, &dns.CNAME{Hdr: hdr(name, dns.TypeCNAME), Target: t})
		}
	case dns.TypePTR:
		for _, n := range s.ptr[name] {
			m.Answer = append(m.Answer, &dns.PTR{Hdr: hdr(name, dns.TypePTR), Ptr: n})
		}
	}
	if !known && len(m.Answer) == 0 {
		m.Rcode = dns.RcodeNameError
	}
	w.WriteMsg(m)
}

// hasRRs reports whether AddRR gave name a record of any type. Called
// with s.mu held.
func (s *Server) hasRRs(name string) bool {
	for q := range s.rrs {
		if q.name == name {
			return true
		}
	}
	return false
}

// growReadBuffer gives the socket room for bursts of thousands of
// queries (bulk resolvers send hundreds at once), so the kernel does not
// drop them: SO_RCVBUFFORCE where permitted, else as much as rmem_max allows.
func growReadBuffer(pc net.PacketConn) {
	const size = 16 << 20
	uc, ok := pc.(*net.UDPConn)
	if !ok {
		return
	}
	forced := false
	if rc, err := uc.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) {
			forced = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size) == nil
		})
	}
	if !forced {
		uc.SetReadBuffer(size)
	}
}

func hdr(name string, t uint16) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: 60}
}
