package scan

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
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
		// nmap's octet patterns; the expected addresses are what
		// nmap 7.93 -sL -n lists for the same specs.
		{spec: "10.0.0.1-3,5", want: []string{"10.0.0.1..10.0.0.3", "10.0.0.5..10.0.0.5"}, hosts: 4},
		{spec: "10.0.0.1,5", want: []string{"10.0.0.1..10.0.0.1", "10.0.0.5..10.0.0.5"}, hosts: 2},
		{spec: "10.0.0.5,1", want: []string{"10.0.0.1..10.0.0.1", "10.0.0.5..10.0.0.5"}, hosts: 2},
		{spec: "10.0-1.0.1", want: []string{"10.0.0.1..10.0.0.1", "10.1.0.1..10.1.0.1"}, hosts: 2},
		{spec: "10.0,1.0.1-2", want: []string{"10.0.0.1..10.0.0.2", "10.1.0.1..10.1.0.2"}, hosts: 4},
		{spec: "10.0.0.1-3,1-2", want: []string{"10.0.0.1..10.0.0.3"}, hosts: 3},
		{spec: "10.0.0.-2", want: []string{"10.0.0.0..10.0.0.2"}, hosts: 3},
		{spec: "10.0.0.254-", want: []string{"10.0.0.254..10.0.0.255"}, hosts: 2},
		{spec: "10.0.0.*", want: []string{"10.0.0.0..10.0.0.255"}, hosts: 256},
		{spec: "10.0.0.-", want: []string{"10.0.0.0..10.0.0.255"}, hosts: 256},
		{spec: "10.0.1-2.*", want: []string{"10.0.1.0..10.0.2.255"}, hosts: 512},
		{spec: "10.0.1,3.*", want: []string{"10.0.1.0..10.0.1.255", "10.0.3.0..10.0.3.255"}, hosts: 512},
		{spec: "10.0.0.1,5 10.0.0.9", want: []string{"10.0.0.1..10.0.0.1", "10.0.0.5..10.0.0.5", "10.0.0.9..10.0.0.9"}, hosts: 3},
		{spec: "10.0.0.1,10.0.0.2", want: []string{"10.0.0.1..10.0.0.1", "10.0.0.2..10.0.0.2"}, hosts: 2},
		{spec: "10.0.0.1-3,5,10.0.0.9", want: []string{"10.0.0.1..10.0.0.3", "10.0.0.5..10.0.0.5", "10.0.0.9..10.0.0.9"}, hosts: 5},
		{spec: "a.example,10.0.0.1,5", want: []string{"a.example", "10.0.0.1..10.0.0.1", "10.0.0.5..10.0.0.5"}, hosts: 3},
		{spec: "10.0.0.1-20,25", want: []string{"10.0.0.1..10.0.0.20", "10.0.0.25..10.0.0.25"}, hosts: 21},
		{spec: "10.0-255.0-255.1-2", wantErr: "more than 65536 hosts (131072 in all)"},
		{spec: "10.0.0.1 10.*.*.1", maxHosts: 1 << 16, wantErr: "more than 65536 hosts (65537 in all)"},
		{spec: "*.*.*.1", maxHosts: 1 << 24, wantErr: "separate runs of addresses, more than 65536"},
		{spec: "10.0.0.3-1", wantErr: "before the start"},
		{spec: "10.0.0.1,256", wantErr: `"256" is not an octet`},
		{spec: "10.0.0.01-3", wantErr: "leading zero"},
		{spec: "10.0.0-1", wantErr: "want four octets"},
		{spec: "10.0.0.1,,2", wantErr: "invalid IP address \"2\""},
		{spec: "10..0.1-2", wantErr: "octet 2 is empty"},
		{spec: "10.0.0.1--2", wantErr: "not an octet"},
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

// TestOctetPatternsExpand compares the ranges of random octet patterns
// with the addresses a plain loop over the four sets gives.
func TestOctetPatternsExpand(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	octet := func() (string, []bool) {
		set := make([]bool, 256)
		var parts []string
		for range 1 + rng.IntN(3) {
			switch rng.IntN(5) {
			case 0:
				parts = append(parts, "*")
				for v := range set {
					set[v] = true
				}
			case 1, 2:
				v := rng.IntN(256)
				parts = append(parts, fmt.Sprint(v))
				set[v] = true
			default:
				lo := rng.IntN(256)
				hi := lo + rng.IntN(min(8, 256-lo))
				parts = append(parts, fmt.Sprintf("%d-%d", lo, hi))
				for v := lo; v <= hi; v++ {
					set[v] = true
				}
			}
		}
		return strings.Join(parts, ","), set
	}
	for range 300 {
		var specs []string
		var sets [4][]bool
		for i := range sets {
			if i < 2 && rng.IntN(3) > 0 {
				v := rng.IntN(256)
				specs = append(specs, fmt.Sprint(v))
				sets[i] = make([]bool, 256)
				sets[i][v] = true
				continue
			}
			specs = append(specs, "")
			specs[i], sets[i] = octet()
		}
		spec := strings.Join(specs, ".")
		var members [4][]int
		size := 1
		for i := range sets {
			for v, in := range sets[i] {
				if in {
					members[i] = append(members[i], v)
				}
			}
			size *= len(members[i])
		}
		if size > 1<<14 {
			continue
		}
		var want []netip.Addr
		for _, a := range members[0] {
			for _, b := range members[1] {
				for _, c := range members[2] {
					for _, d := range members[3] {
						want = append(want, netip.AddrFrom4([4]byte{byte(a), byte(b), byte(c), byte(d)}))
					}
				}
			}
		}
		ts, err := ParseTargets(spec, 1<<24)
		if err != nil {
			if strings.Contains(err.Error(), "separate runs") {
				continue
			}
			t.Fatalf("ParseTargets(%q): %v", spec, err)
		}
		var got []netip.Addr
		for i, tg := range ts {
			if i > 0 && !ts[i-1].Last.Next().Less(tg.First) {
				t.Fatalf("ParseTargets(%q): ranges %v and %v overlap or touch", spec, ts[i-1], tg)
			}
			tg.Addrs(func(a netip.Addr) bool { got = append(got, a); return len(got) <= len(want) })
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ParseTargets(%q): %d addresses, want %d", spec, len(got), len(want))
		}
	}
}

// TestSplitTargets: commas separate items except inside an octet
// pattern.
// TestLargePattern: a pattern of 65536 single addresses is the most
// runs one pattern may have.
func TestLargePattern(t *testing.T) {
	ts, err := ParseTargets("10.0-255.0-255.1", 0)
	if err != nil || len(ts) != 65536 || ts[0].First.String() != "10.0.0.1" || ts[65535].Last.String() != "10.255.255.1" {
		t.Fatalf("ParseTargets(10.0-255.0-255.1): %d targets, %v", len(ts), err)
	}
	if ts, err := ParseTargets("10.0-3.*.*", 1<<18); err != nil || len(ts) != 1 || ts[0].Len() != 1<<18 {
		t.Errorf("ParseTargets(10.0-3.*.*) = %v, %v; want one range", ts, err)
	}
}

func TestSplitTargets(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"10.0.0.1,5", "[10.0.0.1,5]"},
		{"10.0,1.0.1", "[10.0,1.0.1]"},
		{"10.0.0.1,10.0.0.2", "[10.0.0.1 10.0.0.2]"},
		{"10.0.0.1-3,5,10.0.0.9,10", "[10.0.0.1-3,5 10.0.0.9,10]"},
		{"host.example,5", "[host.example 5]"},
		{"10.0.0.0/24,5", "[10.0.0.0/24 5]"},
		{"::1,::2", "[::1 ::2]"},
		{"a, b\tc\r\nd", "[a b c d]"},
		{"10.0.0.1,,5", "[10.0.0.1 5]"},
		{" , ", "[]"},
	} {
		if got := fmt.Sprint(SplitTargets(tt.spec)); got != tt.want {
			t.Errorf("SplitTargets(%q) = %s, want %s", tt.spec, got, tt.want)
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
		"1.2.3.4/32,1.2.3.4-4", "x..y", "-", "/", "::ffff:1.2.3.4/120",
		"10.0.0.1-3,5", "10.0-1.0.1", "10.0.0.1,5", "10.0,1.0.1", "10.0.0.*", "10.0.0.-", "10.0.0.-2,254-", "*.*.*.1",
		"10.0.0.1,,5", "10.0.0.1-20,25,10.0.0.30", "1,2,3,4", "1.2.3.4,5.6", "10.0.0.01", "255.255.255.255-,*"} {
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
