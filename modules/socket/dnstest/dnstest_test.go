package dnstest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/modules/socket/dnstest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAnswers(t *testing.T) {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddA("a.test", "192.0.2.1", "192.0.2.2")
	srv.AddAAAA("a.test", "2001:db8::1")
	srv.AddCNAME("alias.test", "a.test")
	srv.AddPTR("192.0.2.1", "a.test")
	srv.AddServFail("broken.test")
	for _, tc := range []struct {
		name    string
		qtype   uint16
		rcode   int
		answers int
	}{
		{"a.test.", dns.TypeA, dns.RcodeSuccess, 2},
		{"A.TEST.", dns.TypeA, dns.RcodeSuccess, 2},
		{"a.test.", dns.TypeAAAA, dns.RcodeSuccess, 1},
		{"alias.test.", dns.TypeA, dns.RcodeSuccess, 3},
		{"1.2.0.192.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess, 1},
		{"a.test.", dns.TypeMX, dns.RcodeSuccess, 0},
		{"missing.test.", dns.TypeA, dns.RcodeNameError, 0},
		{"broken.test.", dns.TypeA, dns.RcodeServerFailure, 0},
	} {
		m := new(dns.Msg)
		m.SetQuestion(tc.name, tc.qtype)
		in, err := dns.Exchange(m, srv.Addr)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if in.Rcode != tc.rcode || len(in.Answer) != tc.answers {
			t.Errorf("%s %s: rcode %s, %d answers; want %s, %d", tc.name, dns.TypeToString[tc.qtype],
				dns.RcodeToString[in.Rcode], len(in.Answer), dns.RcodeToString[tc.rcode], tc.answers)
		}
	}
	if srv.Queries() != 8 {
		t.Errorf("Queries() = %d, want 8", srv.Queries())
	}
}

// TestCloseCutsDelay checks that Close does not wait out pending delays
// and leaves no goroutine behind (TestMain checks leaks).
func TestCloseCutsDelay(t *testing.T) {
	srv := dnstest.NewServer()
	srv.SetDelay(time.Hour)
	srv.AddA("slow.test", "192.0.2.9")
	errc := make(chan error, 1)
	go func() {
		c := &dns.Client{Timeout: 200 * time.Millisecond}
		m := new(dns.Msg)
		m.SetQuestion("slow.test.", dns.TypeA)
		_, _, err := c.Exchange(m, srv.Addr)
		errc <- err
	}()
	for srv.Queries() == 0 {
		time.Sleep(time.Millisecond)
	}
	srv.Close()
	srv.Close() // idempotent
	if err := <-errc; err == nil {
		t.Error("query answered despite an hour's delay")
	}
}

// TestDropFirst: with DropFirst(3, 1), every third distinct question
// gets no answer the first time and an answer when asked again; Asked
// and Dropped count what the server saw.
func TestDropFirst(t *testing.T) {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.DropFirst(3, 1)
	names := []string{"a.test", "b.test", "c.test", "d.test", "e.test", "f.test", "g.test"}
	for _, n := range names {
		srv.AddA(n, "192.0.2.1")
	}
	c := &dns.Client{Timeout: 100 * time.Millisecond}
	ask := func(name string) error {
		m := new(dns.Msg)
		m.SetQuestion(dns.Fqdn(name), dns.TypeA)
		_, _, err := c.Exchange(m, srv.Addr)
		return err
	}
	for i, n := range names {
		err := ask(n)
		if lost := (i+1)%3 == 0; lost != (err != nil) {
			t.Errorf("first query %d (%s): err %v, want lost=%v", i+1, n, err, lost)
		}
	}
	for _, n := range names {
		if err := ask(n); err != nil {
			t.Errorf("second query for %s: %v", n, err)
		}
	}
	for _, tc := range []struct {
		name string
		want int
	}{{"a.test", 2}, {"C.TEST.", 2}, {"unknown.test", 0}} {
		if got := srv.Asked(tc.name); got != tc.want {
			t.Errorf("Asked(%q) = %d, want %d", tc.name, got, tc.want)
		}
	}
	if srv.Dropped() != 2 {
		t.Errorf("Dropped() = %d, want 2", srv.Dropped())
	}
}

// TestForget: after Forget the same questions are lost again and the
// counts start over.
func TestForget(t *testing.T) {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddA("a.test", "192.0.2.1")
	srv.DropFirst(1, 1)
	c := &dns.Client{Timeout: 100 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion("a.test.", dns.TypeA)
	for round := range 2 {
		if _, _, err := c.Exchange(m, srv.Addr); err == nil {
			t.Errorf("round %d: first query answered, want lost", round)
		}
		if _, _, err := c.Exchange(m, srv.Addr); err != nil {
			t.Errorf("round %d: second query: %v", round, err)
		}
		if srv.Asked("a.test") != 2 || srv.Dropped() != 1 {
			t.Errorf("round %d: Asked %d, Dropped %d; want 2, 1", round, srv.Asked("a.test"), srv.Dropped())
		}
		srv.Forget()
	}
}

// TestRecordsAndTransfer checks AddRR's types over UDP and TCP, and
// AXFR: the zone in several messages over TCP, SOA first and last;
// refused for a zone not allowed and over UDP.
func TestRecordsAndTransfer(t *testing.T) {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddRR(
		"lab.test. 3600 IN SOA ns1.lab.test. admin.lab.test. 2026120601 7200 3600 1209600 300",
		"lab.test. 3600 IN NS ns1.lab.test.",
		"lab.test. 3600 IN MX 10 mail.lab.test.",
		"lab.test. 3600 IN MX 20 backup.lab.test.",
		`lab.test. 3600 IN TXT "v=spf1 -all"`,
		"_ldap._tcp.lab.test. 3600 IN SRV 0 5 389 dc1.lab.test.",
		"mail.lab.test. 3600 IN A 10.0.0.25",
		"other.test. 3600 IN SOA ns.other.test. admin.other.test. 1 2 3 4 5",
	)
	srv.AddA("www.lab.test", "10.0.0.80")
	srv.AllowTransfer("lab.test")
	for _, tc := range []struct {
		net     string
		name    string
		qtype   uint16
		rcode   int
		answers int
	}{
		{"udp", "lab.test.", dns.TypeMX, dns.RcodeSuccess, 2},
		{"tcp", "lab.test.", dns.TypeMX, dns.RcodeSuccess, 2},
		{"udp", "lab.test.", dns.TypeTXT, dns.RcodeSuccess, 1},
		{"udp", "lab.test.", dns.TypeSOA, dns.RcodeSuccess, 1},
		{"udp", "lab.test.", dns.TypeA, dns.RcodeSuccess, 0},
		{"udp", "_ldap._tcp.lab.test.", dns.TypeSRV, dns.RcodeSuccess, 1},
		{"tcp", "mail.lab.test.", dns.TypeA, dns.RcodeSuccess, 1},
		{"udp", "lab.test.", dns.TypeAXFR, dns.RcodeRefused, 0},
	} {
		c := &dns.Client{Net: tc.net}
		m := new(dns.Msg)
		m.SetQuestion(tc.name, tc.qtype)
		in, _, err := c.Exchange(m, srv.Addr)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.net, tc.name, err)
		}
		if in.Rcode != tc.rcode || len(in.Answer) != tc.answers {
			t.Errorf("%s %s %s: rcode %s, %d answers; want %s, %d", tc.net, tc.name, dns.TypeToString[tc.qtype],
				dns.RcodeToString[in.Rcode], len(in.Answer), dns.RcodeToString[tc.rcode], tc.answers)
		}
	}

	for _, tc := range []struct {
		zone    string
		records int    // with both SOAs
		err     string // "" for success
	}{
		{"lab.test.", 9, ""},
		{"other.test.", 0, "rcode: 5"}, // REFUSED
		{"missing.test.", 0, "rcode: 5"},
	} {
		m := new(dns.Msg)
		m.SetAxfr(tc.zone)
		tr := &dns.Transfer{}
		ch, err := tr.In(m, srv.Addr)
		if err != nil {
			t.Fatalf("%s: %v", tc.zone, err)
		}
		var got []dns.RR
		var envelopes int
		var xerr error
		for env := range ch {
			envelopes++
			if env.Error != nil {
				xerr = env.Error
				continue
			}
			got = append(got, env.RR...)
		}
		if tc.err != "" {
			if xerr == nil || !strings.Contains(xerr.Error(), tc.err) {
				t.Errorf("%s: error %v, want %s", tc.zone, xerr, tc.err)
			}
			continue
		}
		if xerr != nil {
			t.Fatalf("%s: %v", tc.zone, xerr)
		}
		if len(got) != tc.records || envelopes < 2 {
			t.Fatalf("%s: %d records in %d messages, want %d in several: %v", tc.zone, len(got), envelopes, tc.records, got)
		}
		if got[0].Header().Rrtype != dns.TypeSOA || got[len(got)-1].Header().Rrtype != dns.TypeSOA {
			t.Errorf("%s: want SOA first and last, got %v", tc.zone, got)
		}
		for _, rr := range got {
			if !dns.IsSubDomain(tc.zone, rr.Header().Name) {
				t.Errorf("%s: record outside the zone: %v", tc.zone, rr)
			}
		}
	}
}
