package resolve

import (
	"strings"
	"testing"
)

func TestServerAddr(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{in: "127.0.0.1:5353", want: "127.0.0.1:5353"},
		{in: "127.0.0.1", want: "127.0.0.1:53"},
		{in: "::1", want: "[::1]:53"},
		{in: "[::1]", want: "[::1]:53"},
		{in: "[::1]:5353", want: "[::1]:5353"},
		{in: "dns.example:53", err: `resolver address "dns.example:53": want an IP address and an optional port, e.g. "127.0.0.1:5353"`},
		{in: "", err: `resolver address "": want an IP address`},
		{in: "127.0.0.1:0", err: `resolver address "127.0.0.1:0": port "0": want 1-65535`},
		{in: "127.0.0.1:x", err: `resolver address "127.0.0.1:x": port "x": want 1-65535`},
		{in: "[fe80::1%eth0]:53", err: `want an IP address`},
	} {
		got, err := ServerAddr(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ServerAddr(%q) = %q, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ServerAddr(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
