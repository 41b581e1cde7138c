package resolve

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/dnstest"
	"golang.org/x/sys/unix"
)

func gaiErrno(err error) int {
	if pe, ok := pyerr.As(err); ok && pe.Type == "gaierror" {
		return pe.Errno
	}
	return 0
}

// TestNumericHost checks the literals answered without any resolver,
// with glibc's errors, zones and scope ids.
func TestNumericHost(t *testing.T) {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Skip("needs a loopback interface named lo")
	}
	loScope := strconv.Itoa(lo.Index)
	for _, tc := range []struct {
		host   string
		family int
		want   string // address with zone, or "" on error
		errno  int
		ok     bool
	}{
		{"127.0.0.1", 0, "127.0.0.1", 0, true},
		{"127.1", unix.AF_INET, "127.0.0.1", 0, true},
		{"127.1", unix.AF_INET6, "", EAIAddrFamily, true},
		{"::1", unix.AF_INET, "", EAIAddrFamily, true},
		{"::1", 0, "::1", 0, true},
		{"::ffff:1.2.3.4", unix.AF_INET, "1.2.3.4", 0, true},
		{"::ffff:1.2.3.4", 0, "::ffff:1.2.3.4", 0, true},
		{"fe80::1%lo", 0, "fe80::1%" + loScope, 0, true},
		{"ff02::1%lo", unix.AF_INET6, "ff02::1%" + loScope, 0, true},
		{"::1%lo", 0, "", EAINoName, true},
		{"::1%lo", unix.AF_INET, "", EAIAddrFamily, true},
		{"fe80::1%1", 0, "fe80::1%1", 0, true},
		{"::1%4294967295", 0, "::1%4294967295", 0, true},
		{"fe80::1%4294967296", 0, "", EAINoName, true},
		{"fe80::1%", 0, "", EAINoName, true},
		{"fe80::1%1x", 0, "", EAINoName, true},
		{"1.2.3.4%x", 0, "", EAINoName, true},
		{"www.example.test", 0, "", 0, false},
	} {
		addrs, err, ok := NumericHost(tc.host, tc.family)
		if ok != tc.ok || gaiErrno(err) != tc.errno {
			t.Errorf("numericHost(%q, %d) = %v, %v, %v; want errno %d, ok %v", tc.host, tc.family, addrs, err, ok, tc.errno, tc.ok)
			continue
		}
		if tc.want != "" && (len(addrs) != 1 || addrs[0].String() != tc.want) {
			t.Errorf("numericHost(%q, %d) = %v, want %s", tc.host, tc.family, addrs, tc.want)
		}
	}
}

func TestValidName(t *testing.T) {
	long := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a'
			if i%50 == 49 {
				b[i] = '.'
			}
		}
		return string(b)
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"www.lab.test", true},
		{"www.lab.test.", true},
		{"a..b", false},
		{".a", false},
		{string(make([]byte, 64)), false},
		{long(253), true},
		{long(253) + ".", true},
		{long(254), false},
	} {
		if got := ValidName(tc.name); got != tc.ok {
			t.Errorf("validName(%d chars %.20q) = %v, want %v", len(tc.name), tc.name, got, tc.ok)
		}
	}
}

// TestLocalhostFromHosts checks that localhost follows the hosts file:
// no ::1 unless the file has it, ::1 first when it does.
func TestLocalhostFromHosts(t *testing.T) {
	dir := t.TempDir()
	v4only := filepath.Join(dir, "v4")
	both := filepath.Join(dir, "both")
	os.WriteFile(v4only, []byte("127.0.0.1 localhost\n127.0.1.1 box\n"), 0o644)
	os.WriteFile(both, []byte("127.0.0.1 localhost\n::1 ip6-localhost localhost\n"), 0o644)
	for _, tc := range []struct {
		path   string
		family int
		want   []string
	}{
		{v4only, 0, []string{"127.0.0.1"}},
		{v4only, unix.AF_INET, []string{"127.0.0.1"}},
		{v4only, unix.AF_INET6, []string{"::1"}}, // no query: RFC 6761
		{both, 0, []string{"::1", "127.0.0.1"}},
		{both, unix.AF_INET, []string{"127.0.0.1"}},
		{filepath.Join(dir, "missing"), 0, []string{"::1", "127.0.0.1"}},
	} {
		var got []string
		for _, a := range LocalhostAddrs(tc.path, "localhost", tc.family) {
			got = append(got, a.String())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s family %d: got %v, want %v", filepath.Base(tc.path), tc.family, got, tc.want)
		}
	}
}

// TestNoQueryForLiteralsAndBadNames checks, against the DNS fixture, that
// zoned literals and names glibc refuses never reach a resolver.
func TestNoQueryForLiteralsAndBadNames(t *testing.T) {
	srv := dnstest.NewServer()
	defer srv.Close()
	systemToFixture(t, srv) // a bug must not reach the machine's resolver
	r, _, err := ForServer(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	long := string(make([]byte, 0))
	for range 64 {
		long += "a"
	}
	for _, host := range []string{"fe80::1%lo", "::1%lo", "fe80::1%1", "::1", "127.0.0.1", "localhost",
		"a..b", long, long + ".b", "1.2.3.4%x", ""} {
		for _, fam := range []int{0, unix.AF_INET, unix.AF_INET6} {
			r.LookupHost(context.Background(), host, fam, true)
			System{}.LookupHost(context.Background(), host, fam, true)
		}
	}
	if n := srv.Queries(); n != 0 {
		t.Errorf("fixture saw %d queries, want 0", n)
	}
}

// TestSystemResolverCNAMEOnlyWhenAsked points Go's resolver at the DNS
// fixture and checks that the CNAME query is made only when the caller
// needs the canonical name (gethostbyname_ex, AI_CANONNAME).
func TestSystemResolverCNAMEOnlyWhenAsked(t *testing.T) {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddA("www.lab.test", "10.0.0.80")
	srv.AddCNAME("web.lab.test", "www.lab.test")
	systemToFixture(t, srv)
	ctx := context.Background()
	before := srv.Queries()
	addrs, chain, err := System{}.LookupHost(ctx, "web.lab.test.", unix.AF_INET, false)
	if err != nil || len(addrs) != 1 || addrs[0] != netip.MustParseAddr("10.0.0.80") || chain != nil {
		t.Fatalf("lookupHost = %v, %v, %v", addrs, chain, err)
	}
	plain := srv.Queries() - before
	before = srv.Queries()
	_, chain, err = System{}.LookupHost(ctx, "web.lab.test.", unix.AF_INET, true)
	if err != nil || !reflect.DeepEqual(chain, []string{"www.lab.test"}) {
		t.Fatalf("lookupHost with canon: chain %v, %v", chain, err)
	}
	if withCanon := srv.Queries() - before; withCanon <= plain {
		t.Errorf("%d queries with canon, %d without: want the CNAME query only with canon", withCanon, plain)
	}
}

// systemToFixture sends the queries of Go's resolver (the module's
// system resolver) to the fixture for the rest of the test.
func systemToFixture(t *testing.T, srv *dnstest.Server) {
	saved := net.DefaultResolver
	t.Cleanup(func() { net.DefaultResolver = saved })
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr)
	}}
}
