package resolve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/dnstest"
)

// useServer points the package's resolver at addr for the test.
func useServer(t *testing.T, addr string) {
	t.Helper()
	if err := SetServer(addr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { SetServer("") })
}

// TestResolveUnderLoss is the lossy resolver: 10,000 names, 500
// workers, a server that answers after 20 ms and leaves every 20th
// question's first attempt unanswered (5%). Every name must come back
// with its own address, every lost question must have been sent again,
// and none more than MaxSends times. The per-query timeout is a minute:
// before retransmission a lost query waited that long, so the test's
// 30 s guard fails; with it a lost query is resent after the RTO (well
// under a second).
func TestResolveUnderLoss(t *testing.T) {
	const n = 10000
	srv := dnstest.NewServer()
	defer srv.Close()
	names := make([]string, n)
	want := make(map[string]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("h%d.loss.test", i)
		want[names[i]] = fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff)
		srv.AddA(names[i], want[names[i]])
	}
	srv.SetDelay(20 * time.Millisecond)
	srv.DropFirst(20, 1)
	useServer(t, srv.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Resolve(ctx, names, Options{Workers: 500, Timeout: time.Minute})
	if err != nil {
		t.Fatalf("Resolve: %v (lost queries were not resent)", err)
	}
	bad := 0
	for i, r := range res {
		if r.Err != nil || len(r.Values) != 1 || r.Values[0] != want[names[i]] {
			if bad++; bad <= 5 {
				t.Errorf("%s: got %v, %v; want [%s]", names[i], r.Values, r.Err, want[names[i]])
			}
		}
	}
	if got := srv.Dropped(); got != n/20 {
		t.Errorf("server dropped %d queries, want %d", got, n/20)
	}
	resent, maxAsked := 0, 0
	for _, name := range names {
		a := srv.Asked(name)
		if a > 1 {
			resent++
		}
		maxAsked = max(maxAsked, a)
	}
	if resent < n/20 || maxAsked > MaxSends {
		t.Errorf("%d names asked more than once (want at least the %d dropped), most asks %d (want <= %d)", resent, n/20, maxAsked, MaxSends)
	}
	if total := srv.Queries(); total > n+n/5 {
		t.Errorf("%d queries for %d names: too many needless resends", total, n)
	}
}

// TestRetransmitBounded: a question that is never answered is sent
// MaxSends times, with growing waits, and then fails; a bulk lookup
// reports it as socket.gaierror EAI_AGAIN, as a timeout is.
func TestRetransmitBounded(t *testing.T) {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddA("dead.loss.test", "10.0.0.1")
	srv.AddA("alive.loss.test", "10.0.0.2")
	srv.DropFirst(1, 1000) // every question, every attempt until the 1000th
	useServer(t, srv.Addr)
	start := time.Now()
	res, err := Resolve(context.Background(), []string{"dead.loss.test"}, Options{Workers: 1, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	pe, ok := pyerr.As(res[0].Err)
	if !ok || pe.Type != "gaierror" || pe.Errno != EAIAgain {
		t.Errorf("got %v, %v; want gaierror EAI_AGAIN", res[0].Values, res[0].Err)
	}
	if got := srv.Asked("dead.loss.test"); got != MaxSends {
		t.Errorf("sent %d times, want MaxSends = %d", got, MaxSends)
	}
	// InitialRTO, doubled at each resend, and the last one's wait again.
	if lo := 7 * InitialRTO; elapsed < lo {
		t.Errorf("gave up after %v: resends came faster than the RTO backoff (%v)", elapsed, lo)
	}
}

// TestRetransmitMatchesQuestion: replies from the server that are not
// the answer to this query (another question with its ID, or its
// question with another ID: late replies meant for earlier queries on
// the worker's socket) are skipped, and the query's own answer is taken.
func TestRetransmitMatchesQuestion(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 512)
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			done <- err
			return
		}
		q := new(dns.Msg)
		if err := q.Unpack(buf[:n]); err != nil {
			done <- err
			return
		}
		reply := func(name string, id uint16, ip byte) {
			m := new(dns.Msg)
			m.SetQuestion(name, dns.TypeA)
			m.Id, m.Response = id, true
			m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 1}, A: net.IPv4(10, 0, 0, ip)}}
			b, _ := m.Pack()
			pc.WriteTo(b, from)
		}
		pc.WriteTo([]byte("not dns"), from)
		reply("other.loss.test.", q.Id, 6)
		reply(q.Question[0].Name, q.Id+1, 7)
		reply(q.Question[0].Name, q.Id, 1)
		done <- nil
	}()
	d := &dnsResolver{server: pc.LocalAddr().String(), timeout: 5 * time.Second, attempts: 2}
	w, closeW := d.forWorker(newBulkState(1))
	defer closeW()
	in, err := w.query(context.Background(), "a.loss.test", dns.TypeA)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err != nil || len(in.Answer) != 1 || in.Answer[0].(*dns.A).A.String() != "10.0.0.1" {
		t.Fatalf("got %v, %v; want a.loss.test's own answer 10.0.0.1", in, err)
	}
}

// TestWindow: the in-flight window starts at the number of workers, a
// loss halves it at most once per RTO, answers widen it one at a time
// (waking the worker of the new slot), and drain frees every parked
// worker.
func TestWindow(t *testing.T) {
	w := newWindow(100)
	now := time.Now()
	w.lost(now, time.Second)
	if w.size() != 50 {
		t.Fatalf("after a loss: %d, want 50", w.size())
	}
	w.lost(now.Add(500*time.Millisecond), time.Second)
	if w.size() != 50 {
		t.Fatalf("a second loss within the RTO cut the window to %d", w.size())
	}
	for i, want := range []int{25, 12, 8, 8} {
		w.lost(now.Add(time.Duration(i+1)*2*time.Second), time.Second)
		if w.size() != want {
			t.Fatalf("cut %d: %d, want %d", i+2, w.size(), want)
		}
	}
	ctx := context.Background()
	woke := make(chan int, 2)
	for _, i := range []int{8, 50} {
		go func() {
			w.wait(ctx, i)
			woke <- i
		}()
	}
	w.grew()
	if i := <-woke; i != 8 || w.size() != 9 {
		t.Fatalf("widening woke worker %d (window %d), want 8 (9)", i, w.size())
	}
	w.drain()
	if i := <-woke; i != 50 {
		t.Fatalf("drain woke worker %d, want 50", i)
	}
	for range 200 {
		w.grew()
	}
	if w.size() != 100 {
		t.Errorf("window grew to %d, want at most the 100 workers", w.size())
	}
	cctx, cancel := context.WithCancel(ctx)
	w2 := newWindow(10)
	w2.lost(now, time.Second)
	cancel()
	if err := w2.wait(cctx, 9); !errors.Is(err, context.Canceled) {
		t.Errorf("wait after cancel: %v", err)
	}
}
