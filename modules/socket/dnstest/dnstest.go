// Package dnstest is an in-process DNS server for tests, in the manner of
// net/http/httptest: start it on 127.0.0.1:0 in one line, point the code
// under test at Addr, and Close it when done. Close waits for every
// goroutine the server started.
//
// The server answers A, AAAA, PTR and CNAME questions from records added
// with the Add methods (CNAME chains are followed within the server's
// records, as a recursive resolver would) and answers NXDOMAIN for names
// it does not know. An optional delay before each answer simulates a slow
// resolver, and DropFirst a lossy network: the first attempts of a fixed
// share of questions get no answer, so a client must retransmit.
package dnstest

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/sys/unix"
)

// Server is a running DNS server over UDP.
type Server struct {
	// Addr is the server's "ip:port".
	Addr string

	srv     *dns.Server
	served  chan struct{}
	done    chan struct{}
	closing sync.Once

	mu      sync.RWMutex
	a       map[string][]netip.Addr // fqdn -> IPv4 addresses
	aaaa    map[string][]netip.Addr
	cname   map[string]string   // fqdn -> target fqdn
	ptr     map[string][]string // reverse fqdn -> names
	failing map[string]bool     // fqdn -> SERVFAIL
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
// port such as 53 needs the privilege to bind it).
func Start(addr string) (*Server, error) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	growReadBuffer(pc)
	s := &Server{
		Addr:    pc.LocalAddr().String(),
		served:  make(chan struct{}),
		done:    make(chan struct{}),
		a:       map[string][]netip.Addr{},
		aaaa:    map[string][]netip.Addr{},
		cname:   map[string]string{},
		ptr:     map[string][]string{},
		failing: map[string]bool{},
		seen:    map[question]*asked{},
		byName:  map[string]int{},
	}
	started := make(chan struct{})
	s.srv = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.serve), NotifyStartedFunc: func() { close(started) }}
	go func() {
		defer close(s.served)
		s.srv.ActivateAndServe() // returns once Shutdown is called; serving errors end the server
	}()
	select {
	case <-started:
	case <-s.served:
		pc.Close()
		return nil, fmt.Errorf("dnstest: server on %s failed to start", s.Addr)
	}
	return s, nil
}

// Close stops the server and waits for its goroutines, cutting short any
// answer still waiting for its delay. It is idempotent.
func (s *Server) Close() {
	s.closing.Do(func() {
		close(s.done)
		s.srv.Shutdown()
		<-s.served
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
	known := len(s.a[name]) > 0 || len(s.aaaa[name]) > 0 || s.cname[name] != "" || len(s.ptr[name]) > 0
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
