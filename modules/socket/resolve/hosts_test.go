package resolve

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestHostsLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hosts")
	data := "# comment\n127.0.0.1 localhost\n127.0.0.1 runsc vm\n::1 ip6-localhost ip6-loopback # trailing\n10.0.0.5\tweb web.lab  # x\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ip   string
		want []string
	}{
		{"127.0.0.1", []string{"localhost"}},
		{"::1", []string{"ip6-localhost", "ip6-loopback"}},
		{"10.0.0.5", []string{"web", "web.lab"}},
		{"10.0.0.6", nil},
	} {
		if got := HostsLine(path, netip.MustParseAddr(tc.ip)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("hostsLine(%s) = %q, want %q", tc.ip, got, tc.want)
		}
	}
	if got := HostsLine(filepath.Join(t.TempDir(), "missing"), netip.MustParseAddr("127.0.0.1")); got != nil {
		t.Errorf("missing file gave %q", got)
	}
}
