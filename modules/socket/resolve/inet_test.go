package resolve

import (
	"net/netip"
	"testing"
)

func TestInetAton(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for an error
	}{
		{"127.0.0.1", "127.0.0.1"}, {"127.1", "127.0.0.1"}, {"1", "0.0.0.1"}, {"0x7f.1", "127.0.0.1"},
		{"010.0.0.1", "8.0.0.1"}, {"1.2.65535", "1.2.255.255"}, {"1.2.65536", ""}, {"300.1.1.1", ""},
		{"", ""}, {"1.2.3.4.5", ""}, {"1..2", ""}, {"08", ""}, {"-1", ""}, {"+1", ""}, {"1.2.3.4 junk", "1.2.3.4"},
		{"4294967295", "255.255.255.255"}, {"4294967296", ""},
	} {
		b, err := InetAton(tc.in)
		got := ""
		if err == nil {
			got = netip.AddrFrom4(b).String()
		}
		if got != tc.want {
			t.Errorf("InetAton(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzInetAton(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "0x7f.1", "1.2.3", "0", "09", "1.2.3.4.5", "0xffffffff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := InetAton(s)
		if err != nil {
			return
		}
		// A strict dotted quad must round-trip.
		if ip, perr := netip.ParseAddr(s); perr == nil && ip.Is4() && netip.AddrFrom4(b) != ip {
			t.Fatalf("InetAton(%q) = %v, netip says %v", s, b, ip)
		}
	})
}
