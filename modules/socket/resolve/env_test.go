package resolve

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/dnstest"
	"golang.org/x/sys/unix"
)

// TestServerFromEnv: the one parser of NETSTAR_RESOLVER, which the
// interpreter and netstar scan share, refuses every malformed value with
// an error naming the variable; unset or empty is the system resolver.
func TestServerFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		set         bool
		want, err   string
		outOfRange  bool
	}{
		{name: "unset"},
		{name: "empty", set: true},
		{name: "ip:port", value: "127.0.0.1:5353", set: true, want: "127.0.0.1:5353"},
		{name: "ipv6", value: "[::1]:5353", set: true, want: "[::1]:5353"},
		{name: "default port", value: "127.0.0.1", set: true, want: "127.0.0.1:53"},
		{name: "leading zeros", value: "127.0.0.1:05353", set: true, want: "127.0.0.1:5353"},
		{name: "garbage", value: "garbage", set: true, err: `NETSTAR_RESOLVER: resolver address "garbage": want an IP address and an optional port, e.g. "127.0.0.1:5353"`},
		{name: "name", value: "localhost:5353", set: true, err: `NETSTAR_RESOLVER: resolver address "localhost:5353": want an IP address`},
		{name: "inet_aton form", value: "127.1:5353", set: true, err: `NETSTAR_RESOLVER: resolver address "127.1:5353": want an IP address`},
		{name: "leading space", value: " 127.0.0.1:5353", set: true, err: `NETSTAR_RESOLVER: resolver address " 127.0.0.1:5353": want an IP address`},
		{name: "trailing space", value: "127.0.0.1:5353 ", set: true, err: `NETSTAR_RESOLVER: resolver address "127.0.0.1:5353 ": port "5353 ": want 1-65535`},
		{name: "port too big", value: "127.0.0.1:99999", set: true, err: `NETSTAR_RESOLVER: resolver address "127.0.0.1:99999": port "99999": want 1-65535`, outOfRange: true},
		{name: "port negative", value: "127.0.0.1:-1", set: true, err: `port "-1": want 1-65535`, outOfRange: true},
		{name: "port huge", value: "127.0.0.1:99999999999999999999999", set: true, err: `want 1-65535`, outOfRange: true},
		{name: "port zero", value: "127.0.0.1:0", set: true, err: `port "0": want 1-65535`},
		{name: "port empty", value: "127.0.0.1:", set: true, err: `port "": want 1-65535`},
		{name: "port sign", value: "127.0.0.1:+53", set: true, err: `port "+53": want 1-65535`},
		{name: "zone", value: "[fe80::1%lo]:53", set: true, err: `want an IP address`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ServerFromEnv(func(k string) (string, bool) {
				if k != EnvResolver {
					t.Fatalf("looked up %q", k)
				}
				return tc.value, tc.set
			})
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("got %q, %v; want error %q", got, err, tc.err)
			}
			var ae *AddrError
			if !errors.As(err, &ae) || ae.OutOfRange != tc.outOfRange {
				t.Fatalf("error %#v: want *AddrError with OutOfRange %v", err, tc.outOfRange)
			}
		})
	}
}

// TestCurrentRefusesBadEnv: with a malformed NETSTAR_RESOLVER, Current
// does not fall back to the system resolver (a leak in a lab): a name is
// refused with a ValueError naming the variable, while literals and
// localhost, which need no query, still answer. A good value sends the
// query to that server.
func TestCurrentRefusesBadEnv(t *testing.T) {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddA("www.lab.test", "10.0.0.80")
	reset := func() {
		resolverState.mu.Lock()
		resolverState.set, resolverState.r, resolverState.addr = false, nil, ""
		resolverState.mu.Unlock()
	}
	t.Cleanup(reset)
	ctx := context.Background()
	for _, value := range []string{"garbage", "localhost:" + srv.Addr[len("127.0.0.1:"):], "127.1:53", " " + srv.Addr} {
		t.Run(value, func(t *testing.T) {
			reset()
			t.Setenv(EnvResolver, value)
			_, _, err := Current().LookupHost(ctx, "www.lab.test", unix.AF_INET, false)
			pe, ok := pyerr.As(err)
			if !ok || pe.Type != "ValueError" || !strings.Contains(pe.Strerror, "NETSTAR_RESOLVER: resolver address") {
				t.Fatalf("LookupHost = %v; want ValueError naming NETSTAR_RESOLVER", err)
			}
			if _, err := Current().LookupAddr(ctx, netip.MustParseAddr("10.0.0.80")); err == nil {
				t.Error("LookupAddr answered despite the bad NETSTAR_RESOLVER")
			}
			addrs, _, err := Current().LookupHost(ctx, "127.0.0.1", unix.AF_INET, false)
			if err != nil || len(addrs) != 1 {
				t.Errorf("literal: %v, %v", addrs, err)
			}
			if Server() != "" {
				t.Errorf("Server() = %q, want \"\"", Server())
			}
		})
	}
	if srv.Queries() != 0 {
		t.Errorf("the DNS server got %d queries from refused settings", srv.Queries())
	}
	reset()
	t.Setenv(EnvResolver, srv.Addr)
	addrs, _, err := Current().LookupHost(ctx, "www.lab.test", unix.AF_INET, false)
	if err != nil || len(addrs) != 1 || addrs[0].String() != "10.0.0.80" || srv.Asked("www.lab.test") != 1 {
		t.Errorf("good value: %v, %v, asked %d", addrs, err, srv.Asked("www.lab.test"))
	}
}
