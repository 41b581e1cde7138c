package scan

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/services"
)

// tcpNamed lists the tcp ports services.ScanTable names name, plus more.
func tcpNamed(name string, more ...int) []int {
	out := more
	for _, e := range services.ScanTable().Entries {
		if e.Proto == "tcp" && e.Name == name {
			out = append(out, e.Port)
		}
	}
	out, _ = NormalizePorts(out)
	return out
}

// tcpPrefixed lists the tcp ports whose ScanTable names start with prefix.
func tcpPrefixed(prefix string) []int {
	var out []int
	for _, e := range services.ScanTable().Entries {
		if e.Proto == "tcp" && strings.HasPrefix(e.Name, prefix) {
			out = append(out, e.Port)
		}
	}
	out, _ = NormalizePorts(out)
	return out
}

func TestParsePorts(t *testing.T) {
	tests := []struct {
		spec    string
		want    []int
		n       int    // expected length when want is nil
		wantErr string // substring of the error
	}{
		{spec: "22,80,443", want: []int{22, 80, 443}},
		{spec: " 443 , 22,22, 80 ", want: []int{22, 80, 443}},
		{spec: "1-5", want: []int{1, 2, 3, 4, 5}},
		{spec: "8-10,9,1", want: []int{1, 8, 9, 10}},
		{spec: "-", n: 65535},
		{spec: "1-65535", n: 65535},
		{spec: "1-1024", n: 1024},
		{spec: "http,ssh", want: tcpNamed("http", tcpNamed("ssh")...)},
		{spec: "http,22-23", want: tcpNamed("http", 22, 23)},
		{spec: "ssh*", want: tcpPrefixed("ssh")},
		{spec: "[", wantErr: "bad service name pattern"},
		{spec: "no-such-service-*", wantErr: "unknown service"},
		{spec: "65535", want: []int{65535}},
		{spec: "0", wantErr: "out of range"},
		{spec: "65536", wantErr: "out of range"},
		{spec: "99999999999999999999", wantErr: "out of range"},
		{spec: "80-", wantErr: "no end"},
		{spec: "-80", wantErr: "no start"},
		{spec: "90-80", wantErr: "reversed"},
		{spec: "abc", wantErr: "unknown service"},
		{spec: "", wantErr: "empty port spec"},
		{spec: "  ", wantErr: "empty port spec"},
		{spec: "22,,80", wantErr: "empty item"},
		{spec: "1-2-3", wantErr: "invalid port"},
		{spec: "+22", wantErr: "unknown service"},
		{spec: "0-10", wantErr: "out of range"},
	}
	for _, tt := range tests {
		got, err := ParsePorts(tt.spec)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParsePorts(%q) error = %v, want %q", tt.spec, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePorts(%q): %v", tt.spec, err)
			continue
		}
		if tt.want != nil && !slices.Equal(got, tt.want) {
			t.Errorf("ParsePorts(%q) = %v, want %v", tt.spec, got, tt.want)
		}
		if tt.want == nil && len(got) != tt.n {
			t.Errorf("ParsePorts(%q) has %d ports, want %d", tt.spec, len(got), tt.n)
		}
	}
}

func TestNormalizePorts(t *testing.T) {
	got, err := NormalizePorts([]int{443, 22, 443})
	if err != nil || !slices.Equal(got, []int{22, 443}) {
		t.Errorf("NormalizePorts = %v, %v", got, err)
	}
	for _, bad := range [][]int{nil, {0}, {70000}, {-1}} {
		if _, err := NormalizePorts(bad); err == nil {
			t.Errorf("NormalizePorts(%v) succeeded", bad)
		}
	}
}

// FuzzParsePorts checks that any spec either fails or gives sorted,
// distinct ports in 1-65535, and that its output parses back to itself.
func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"22,80,443", "1-1024", "-", "1-65535", "http,ssh", "80-", "90-80", "abc", "", "0", "65536", " 1 - 2 ", "1,-", "--", "-,-", "22,,", "ssh-http"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		ports, err := ParsePorts(spec)
		if err != nil {
			if ports != nil {
				t.Errorf("ParsePorts(%q) returned ports with an error", spec)
			}
			return
		}
		if len(ports) == 0 {
			t.Fatalf("ParsePorts(%q) = no ports, no error", spec)
		}
		for i, p := range ports {
			if p < 1 || p > MaxPort || i > 0 && ports[i-1] >= p {
				t.Fatalf("ParsePorts(%q) = bad list at %d: %d", spec, i, p)
			}
		}
		parts := make([]string, len(ports))
		for i, p := range ports {
			parts[i] = itoa(p)
		}
		again, err := ParsePorts(strings.Join(parts, ","))
		if err != nil || !slices.Equal(again, ports) {
			t.Fatalf("round trip of %q: %v, %v", spec, again, err)
		}
	})
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

func TestEscapeBanner(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"SSH-2.0-OpenSSH_9.2\r\n", 40, "SSH-2.0-OpenSSH_9.2"},
		{"220 a\r\n220 b\r\n", 40, `220 a\r\n220 b`},
		{"tab\there", 40, `tab\there`},
		{"bell\x07\x00", 40, `bell\x07\x00`},
		{"abcdef", 3, "abc…"},
		{"ñandú", 10, "ñandú"},
	} {
		if got := EscapeBanner(tc.in, tc.n); got != tc.want {
			t.Errorf("EscapeBanner(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestPortNamesLikeNmap: with nmap's nmap-services, -p takes every port
// of a name, names with dashes, and patterns, as nmap -p does.
func TestPortNamesLikeNmap(t *testing.T) {
	if _, err := os.Stat("/usr/share/nmap/nmap-services"); err != nil {
		t.Skip("needs nmap's nmap-services (apt-get install nmap)")
	}
	for _, tt := range []struct {
		spec string
		want []int
	}{
		{"http", []int{80, 8008}},
		{"http-proxy", []int{8080}},
		{"http-alt,https", []int{443, 591, 8000}},
	} {
		got, err := ParsePorts(tt.spec)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParsePorts(%q) = %v, %v; want %v", tt.spec, got, err, tt.want)
		}
	}
}
