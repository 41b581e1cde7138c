package scan

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

func TestParseTargets(t *testing.T) {
	tests := []struct {
		spec     string
		maxHosts int
		want     []string // each target as Name or First..Last
		hosts    uint64   // total Len
		wantErr  string
	}{
		{spec: "localhost", want: []string{"localhost"}, hosts: 1},
		{spec: "127.0.0.1", want: []string{"127.0.0.1..127.0.0.1"}, hosts: 1},
		{spec: "::1", want: []string{"::1..::1"}, hosts: 1},
		{spec: "10.0.0.0/24", want: []string{"10.0.0.0..10.0.0.255"}, hosts: 256},
		{spec: "10.0.0.77/30", want: []string{"10.0.0.76..10.0.0.79"}, hosts: 4},
		{spec: "10.0.0.1-20", want: []string{"10.0.0.1..10.0.0.20"}, hosts: 20},
		{spec: "10.0.0.250-10.0.1.5", want: []string{"10.0.0.250..10.0.1.5"}, hosts: 12},
		{spec: "fd00::/120", want: []string{"fd00::..fd00::ff"}, hosts: 256},
		{spec: "a.example, 10.0.0.1 ::1", want: []string{"a.example", "10.0.0.1..10.0.0.1", "::1..::1"}, hosts: 3},
		{spec: "10.0.0.0/16", want: []string{"10.0.0.0..10.0.255.255"}, hosts: 65536},
		{spec: "10.0.0.0/15", wantErr: "more than 65536 hosts"},
		{spec: "10.0.0.0/15", maxHosts: 1 << 17, want: []string{"10.0.0.0..10.1.255.255"}, hosts: 1 << 17},
		{spec: "10.0.0.0/16,10.1.0.0", wantErr: "more than 65536 hosts"},
		{spec: "0.0.0.0/0", wantErr: "more than 65536 hosts"},
		{spec: "::/0", wantErr: "more than 2^64"},
		{spec: "10.0.0.0/33", wantErr: "bad prefix length"},
		{spec: "10.0.0/24", wantErr: "not an IP address"},
		{spec: "10.0.0.0/x", wantErr: "bad prefix length"},
		{spec: "10.0.0.20-1", wantErr: "before the start"},
		{spec: "10.0.0.1-256", wantErr: "not an octet"},
		{spec: "::1-5", wantErr: "needs an IPv4"},
		{spec: "10.0.0.1-::5", wantErr: "same family"},
		{spec: "10.0.0.300", wantErr: "invalid IP address"},
		{spec: "1.2.3", wantErr: "invalid IP address"},
		{spec: "españa.es", want: []string{"xn--espaa-rta.es"}, hosts: 1},
		{spec: "Straße.de", want: []string{"strasse.de"}, hosts: 1},
		{spec: "ñ..es", wantErr: `invalid target "ñ..es": not a host name`},
		{spec: "bad_host!", wantErr: "not a host name"},
		{spec: "-foo", wantErr: "not a host name"},
		{spec: "", wantErr: "empty target spec"},
		{spec: " , ", wantErr: "empty target spec"},
	}
	for _, tt := range tests {
		got, err := ParseTargets(tt.spec, tt.maxHosts)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseTargets(%q) error = %v, want %q", tt.spec, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTargets(%q): %v", tt.spec, err)
			continue
		}
		var strs []string
		var total uint64
		for _, tg := range got {
			total += tg.Len()
			if tg.Name != "" {
				strs = append(strs, tg.Name)
			} else {
				strs = append(strs, tg.First.String()+".."+tg.Last.String())
			}
		}
		if fmt.Sprint(strs) != fmt.Sprint(tt.want) || total != tt.hosts {
			t.Errorf("ParseTargets(%q) = %v (%d hosts), want %v (%d)", tt.spec, strs, total, tt.want, tt.hosts)
		}
	}
}

func TestTargetAddrs(t *testing.T) {
	ts, err := ParseTargets("10.0.0.254-10.0.1.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	ts[0].Addrs(func(a netip.Addr) bool { got = append(got, a.String()); return true })
	if want := "[10.0.0.254 10.0.0.255 10.0.1.0 10.0.1.1]"; fmt.Sprint(got) != want {
		t.Errorf("Addrs = %v, want %s", got, want)
	}
}

// FuzzParseTargets checks that any spec either fails or gives targets
// that are valid, within the host limit, and whose ranges are ordered.
func FuzzParseTargets(f *testing.F) {
	for _, s := range []string{"localhost", "127.0.0.1", "::1", "10.0.0.0/24", "10.0.0.1-20", "10.0.0.1-10.0.0.9",
		"a,b c", "10.0.0.0/8", "::/0", "10.0.0.0/33", "10.0.0.20-1", "fe80::1%eth0", "fe80::1%eth0-fe80::2%eth0",
		"1.2.3.4/32,1.2.3.4-4", "x..y", "-", "/", "::ffff:1.2.3.4/120"} {
		f.Add(s, 0)
	}
	f.Add("10.0.0.0/15", 1<<17)
	f.Fuzz(func(t *testing.T, spec string, maxHosts int) {
		if maxHosts > 1<<20 {
			maxHosts = 1 << 20
		}
		ts, err := ParseTargets(spec, maxHosts)
		if err != nil {
			return
		}
		limit := uint64(maxHosts)
		if maxHosts <= 0 {
			limit = DefaultMaxHosts
		}
		var total uint64
		for _, tg := range ts {
			if tg.Name == "" {
				if !tg.First.IsValid() || !tg.Last.IsValid() || tg.Last.Less(tg.First) || tg.First.Is4() != tg.Last.Is4() {
					t.Fatalf("ParseTargets(%q): bad range %+v", spec, tg)
				}
			} else if tg.First.IsValid() {
				t.Fatalf("ParseTargets(%q): name with address %+v", spec, tg)
			}
			total += tg.Len()
		}
		if total == 0 || total > limit {
			t.Fatalf("ParseTargets(%q, %d) = %d hosts", spec, maxHosts, total)
		}
	})
}
