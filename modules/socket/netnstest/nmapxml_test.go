package netnstest

import (
	"net/netip"
	"testing"
)

func TestUpHosts(t *testing.T) {
	report := []byte(`<?xml version="1.0"?><nmaprun>
<host><status state="up" reason="arp-response"/><address addr="198.18.1.10" addrtype="ipv4"/><address addr="02:00:00:00:00:01" addrtype="mac"/>
<ports><extraports state="closed" count="98"/><port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/></port>
<port protocol="tcp" portid="23"><state state="filtered" reason="no-response"/></port></ports></host>
<host><status state="down" reason="no-response"/><address addr="198.18.1.11" addrtype="ipv4"/></host>
</nmaprun>`)
	up, err := UpHosts(report)
	if err != nil {
		t.Fatal(err)
	}
	h := up[netip.MustParseAddr("198.18.1.10")]
	if len(up) != 1 || len(h) != 2 || h[22] != (PortState{"open", "syn-ack"}) || h[23] != (PortState{"filtered", "no-response"}) {
		t.Errorf("UpHosts = %v", up)
	}
	for _, bad := range []string{"<nmaprun><host>", `<nmaprun><host><status state="up"/></host></nmaprun>`} {
		if _, err := UpHosts([]byte(bad)); err == nil {
			t.Errorf("UpHosts(%q): no error", bad)
		}
	}
}
