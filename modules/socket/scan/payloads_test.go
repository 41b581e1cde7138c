package scan

import (
	"os"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestPayloads: the protocol payloads are well-formed messages of their
// protocols, so that the services answer them.
func TestPayloads(t *testing.T) {
	var m dns.Msg
	if err := m.Unpack(Payload(53)); err != nil {
		t.Errorf("DNS payload: %v", err)
	} else if m.Opcode != dns.OpcodeStatus {
		t.Errorf("DNS payload opcode %d, want status (%d)", m.Opcode, dns.OpcodeStatus)
	}
	m = dns.Msg{}
	if err := m.Unpack(Payload(5353)); err != nil {
		t.Errorf("mDNS payload: %v", err)
	} else if len(m.Question) != 1 || m.Question[0].Name != "_services._dns-sd._udp.local." || m.Question[0].Qtype != dns.TypePTR {
		t.Errorf("mDNS payload asks %v", m.Question)
	}
	if p := Payload(123); len(p) != 48 || p[0]&7 != 3 || p[0]>>3&7 != 4 {
		t.Errorf("NTP payload: %d bytes, first %#x; want 48 bytes, version 4, client mode", len(p), p[0])
	}
	if p := Payload(161); len(p) < 2 || p[0] != 0x30 || int(p[1]) != len(p)-2 {
		t.Errorf("SNMP payload is not one BER sequence: % x", p)
	}
	if p := Payload(137); len(p) != 50 || p[12] != 0x20 || p[len(p)-4] != 0 || p[len(p)-3] != 0x21 {
		t.Errorf("NetBIOS-NS payload: % x", p)
	}
	if Payload(9) != nil {
		t.Error("a port without a protocol payload gets one")
	}
}

func TestParseNmapPayloads(t *testing.T) {
	ps, err := ParseNmapPayloads("# c\nudp 7 \"\\x0D\\x0A\"\nudp 53,69-70\n  \"\\x00a\" # tail\n  \"b\\\\\\\"\" source 53\nudp 9 \"\"\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []NmapPayload{{7, 7, []byte("\r\n")}, {53, 53, []byte("\x00ab\\\"")}, {69, 70, []byte("\x00ab\\\"")}, {9, 9, nil}}
	if len(ps) != len(want) {
		t.Fatalf("got %d payloads, want %d: %+v", len(ps), len(want), ps)
	}
	for i := range want {
		if ps[i].Lo != want[i].Lo || ps[i].Hi != want[i].Hi || string(ps[i].Data) != string(want[i].Data) {
			t.Errorf("payload %d = %+v, want %+v", i, ps[i], want[i])
		}
	}
	for _, bad := range []struct{ text, want string }{
		{"tcp 7 \"x\"", `want "udp"`},
		{"udp", "udp without ports"},
		{"udp x \"a\"", "bad ports"},
		{"udp 9-8 \"a\"", "bad ports"},
		{"udp 70000 \"a\"", "bad ports"},
		{"udp 7 \"abc", "line 1: unterminated string"},
		{"udp 7\n\"\\xZZ\"", "line 2: bad \\x escape"},
		{"udp 7 \"a\" source", "source without a port"},
	} {
		if _, err := ParseNmapPayloads(bad.text); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: err = %v, want %q", bad.text, err, bad.want)
		}
	}
}

// TestNmapPayloadsFile: nmap's own file parses, and a port netstar has
// no payload of its own for gets nmap's.
func TestNmapPayloadsFile(t *testing.T) {
	b, err := os.ReadFile("/usr/share/nmap/nmap-payloads")
	if err != nil {
		t.Skip("needs nmap's nmap-payloads (apt-get install nmap)")
	}
	ps, err := ParseNmapPayloads(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 50 {
		t.Errorf("%d payloads, want nmap's 60 or so", len(ps))
	}
	if got := string(Payload(7)); got != "\r\n\r\n" {
		t.Errorf("Payload(7) = %q, want nmap's echo payload", got)
	}
}

func FuzzNmapPayloads(f *testing.F) {
	for _, s := range []string{"udp 7 \"\\x0D\\x0A\"", "udp 53,69-70\n \"a\" \"b\" source 53", "# x\n", "udp 1 \"\\", "udp 2 \"\\x1\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ps, err := ParseNmapPayloads(text)
		if err != nil {
			return
		}
		for _, p := range ps {
			if p.Lo < 0 || p.Hi > MaxPort || p.Lo > p.Hi {
				t.Fatalf("payload %+v out of range", p)
			}
		}
	})
}
