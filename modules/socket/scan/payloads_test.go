package scan

import (
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
