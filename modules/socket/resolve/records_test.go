package resolve

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/dnstest"
)

// recordsServer is a DNS fixture holding a zone with every type Records
// asks.
func recordsServer(t *testing.T) *dnstest.Server {
	t.Helper()
	srv := dnstest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddRR(
		"lab.test. 3600 IN SOA ns1.lab.test. admin.lab.test. 2026120601 7200 3600 1209600 300",
		"lab.test. 3600 IN NS ns1.lab.test.",
		"lab.test. 3600 IN NS ns2.lab.test.",
		"lab.test. 3600 IN MX 10 mail.lab.test.",
		"lab.test. 3600 IN MX 20 backup.lab.test.",
		`lab.test. 3600 IN TXT "v=spf1 -all"`,
		"_ldap._tcp.lab.test. 3600 IN SRV 0 5 389 dc1.lab.test.",
		"mail.lab.test. 3600 IN A 10.0.0.25",
		"mail.lab.test. 3600 IN AAAA fd00::25",
		"80.0.0.10.in-addr.arpa. 3600 IN PTR www.lab.test.",
	)
	srv.AddCNAME("smtp.lab.test", "mail.lab.test")
	srv.AddServFail("broken.lab.test")
	srv.AllowTransfer("lab.test")
	return srv
}

// summary is one Result as "TYPE data; TYPE data" or the error text.
func summary(r Result) string {
	if r.Err != nil {
		return r.Err.Error()
	}
	var parts []string
	for _, rr := range r.RRs {
		parts = append(parts, TypeName(rr.Header().Rrtype)+" "+RRData(rr))
	}
	return strings.Join(parts, "; ")
}

func TestRecords(t *testing.T) {
	srv := recordsServer(t)
	useServer(t, srv.Addr)
	for _, tc := range []struct {
		name  string
		qtype uint16
		want  string
	}{
		{"lab.test", dns.TypeMX, "MX 10 mail.lab.test.; MX 20 backup.lab.test."},
		{"LAB.test.", dns.TypeMX, "MX 10 mail.lab.test.; MX 20 backup.lab.test."},
		{"lab.test", dns.TypeNS, "NS ns1.lab.test.; NS ns2.lab.test."},
		{"lab.test", dns.TypeTXT, `TXT "v=spf1 -all"`},
		{"lab.test", dns.TypeSOA, "SOA ns1.lab.test. admin.lab.test. 2026120601 7200 3600 1209600 300"},
		{"_ldap._tcp.lab.test", dns.TypeSRV, "SRV 0 5 389 dc1.lab.test."},
		{"smtp.lab.test", dns.TypeCNAME, "CNAME mail.lab.test."},
		{"smtp.lab.test", dns.TypeAAAA, "AAAA fd00::25"}, // the CNAME met on the way is left out
		{"10.0.0.80", dns.TypePTR, "PTR www.lab.test."},
		{"80.0.0.10.in-addr.arpa", dns.TypePTR, "PTR www.lab.test."},
		{"mail.lab.test", dns.TypeMX, "socket.gaierror: [Errno -5] No address associated with hostname"},
		{"nothing.lab.test", dns.TypeMX, "socket.gaierror: [Errno -2] Name or service not known"},
		{"broken.lab.test", dns.TypeTXT, "socket.gaierror: [Errno -3] Temporary failure in name resolution"},
		{"bad..name", dns.TypeTXT, "socket.gaierror: [Errno -2] Name or service not known"},
	} {
		res, err := Records(context.Background(), []string{tc.name}, tc.qtype, Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(res[0]); got != tc.want {
			t.Errorf("%s %s: got %q, want %q", tc.name, TypeName(tc.qtype), got, tc.want)
		}
	}
	if n := srv.Asked("bad..name"); n != 0 {
		t.Errorf("bad..name was asked %d times, want no query", n)
	}
}

// TestRecordsSystem checks that, without a DNS server set, the system's
// name servers are asked in turn: the first one (a closed port) fails,
// the fixture answers. The servers are the test's, so nothing leaves
// the machine.
func TestRecordsSystem(t *testing.T) {
	srv := recordsServer(t)
	useServer(t, "")
	dead, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.LocalAddr().String()
	dead.Close()
	old := systemServers
	systemServers = func() ([]string, time.Duration, int, error) {
		return []string{deadAddr, srv.Addr}, 500 * time.Millisecond, 1, nil
	}
	t.Cleanup(func() { systemServers = old })
	res, err := Records(context.Background(), []string{"lab.test", "nothing.lab.test"}, dns.TypeMX, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(res[0]); got != "MX 10 mail.lab.test.; MX 20 backup.lab.test." {
		t.Errorf("lab.test MX: got %q", got)
	}
	if pe, ok := pyerr.As(res[1].Err); !ok || pe.Errno != EAINoName {
		t.Errorf("nothing.lab.test: got %v, want EAI_NONAME", res[1].Err)
	}
}

// TestSystemServersFile checks the reading of resolv.conf.
func TestSystemServersFile(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(conf, []byte("nameserver 192.0.2.53\nnameserver ::1\noptions timeout:3 attempts:4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := resolvConf
	resolvConf = conf
	t.Cleanup(func() { resolvConf = old })
	servers, timeout, attempts, err := systemServers()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(servers, " ") != "192.0.2.53:53 [::1]:53" || timeout != 3*time.Second || attempts != 4 {
		t.Errorf("got %v %v %d", servers, timeout, attempts)
	}
}

func TestTransfer(t *testing.T) {
	srv := recordsServer(t)
	ctx := context.Background()
	rrs, err := Transfer(ctx, "lab.test", srv.Addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rr := range rrs {
		got = append(got, rr.Header().Name+" "+TypeName(rr.Header().Rrtype)+" "+RRData(rr))
	}
	want := []string{
		"lab.test. SOA ns1.lab.test. admin.lab.test. 2026120601 7200 3600 1209600 300",
		"_ldap._tcp.lab.test. SRV 0 5 389 dc1.lab.test.",
		"lab.test. NS ns1.lab.test.",
		"lab.test. NS ns2.lab.test.",
		"lab.test. MX 10 mail.lab.test.",
		"lab.test. MX 20 backup.lab.test.",
		`lab.test. TXT "v=spf1 -all"`,
		"mail.lab.test. A 10.0.0.25",
		"mail.lab.test. AAAA fd00::25",
		"smtp.lab.test. CNAME mail.lab.test.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("transfer:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A refused transfer, a closed port, a server that never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	silent := ln.Addr().String()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		select {
		case c := <-accepted:
			c.Close()
		default:
		}
	})
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	for _, tc := range []struct {
		zone, server string
		want         string
	}{
		{"other.test", srv.Addr, "dns.xfr.TransferError: Zone transfer error: REFUSED (" + srv.Addr + " does not transfer other.test)"},
		{"lab.test", closedAddr, "ConnectionRefusedError: [Errno 111] Connection refused"},
		{"lab.test", silent, "TimeoutError: timed out"},
		{"bad..zone", srv.Addr, `ValueError: invalid zone name "bad..zone."`},
	} {
		_, err := Transfer(ctx, tc.zone, tc.server, 300*time.Millisecond)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s from %s: got %v, want %s", tc.zone, tc.server, err, tc.want)
		}
	}
	var pe *pyerr.Error
	_, err = Transfer(ctx, "other.test", srv.Addr, time.Second)
	if !errors.As(err, &pe) || !pe.IsA("Exception") || !pe.IsA("TransferError") {
		t.Errorf("refused transfer: %#v, want a TransferError (an Exception)", err)
	}

	// Ctrl-C stops a transfer that waits.
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := Transfer(cctx, "lab.test", silent, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled transfer: got %v, want context.Canceled", err)
	}
}
