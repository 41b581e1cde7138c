package scancmd

import (
	"bufio"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"

	"github.com/netstar/netstar/modules/socket/scan"
)

// upHosts holds what discovery said of each host it found up: why, and
// its Ethernet address when it answered ARP. The engine fills it before
// it probes the host's ports; the outputs read it when they write the
// host. A merge has none (nil), and the outputs guess from the ports.
type upHosts struct {
	mu    sync.Mutex
	hosts map[netip.Addr]scan.HostUp
}

func newUpHosts() *upHosts { return &upHosts{hosts: map[netip.Addr]scan.HostUp{}} }

func (u *upHosts) add(h scan.HostUp) {
	u.mu.Lock()
	u.hosts[h.IP] = h
	u.mu.Unlock()
}

// get returns what discovery said of ip; ok is false when it did not
// run or did not find the host.
func (u *upHosts) get(ip netip.Addr) (h scan.HostUp, ok bool) {
	if u == nil {
		return h, false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	h, ok = u.hosts[ip]
	return h, ok
}

// macVendor returns the vendor nmap's nmap-mac-prefixes gives the MAC
// address, as nmap prints it in "MAC Address: ... (Vendor)" and in XML,
// or "" when nmap is not installed or does not know the prefix.
func macVendor(mac net.HardwareAddr) string {
	prefixesOnce.Do(loadMACPrefixes)
	hex := strings.ToUpper(strings.ReplaceAll(mac.String(), ":", ""))
	// Registries assign 24-, 28- and 36-bit blocks: the longest wins.
	for n := min(len(hex), 9); n >= 6; n-- {
		if v, ok := macPrefixes[hex[:n]]; ok {
			return v
		}
	}
	return ""
}

var (
	prefixesOnce sync.Once
	macPrefixes  map[string]string
)

// macPrefixFiles are where nmap installs nmap-mac-prefixes.
var macPrefixFiles = []string{"/usr/share/nmap/nmap-mac-prefixes", "/usr/local/share/nmap/nmap-mac-prefixes"}

func loadMACPrefixes() {
	macPrefixes = map[string]string{}
	paths := macPrefixFiles
	if dir := os.Getenv("NMAPDIR"); dir != "" {
		paths = append([]string{dir + "/nmap-mac-prefixes"}, paths...)
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == '#' {
				continue
			}
			prefix, vendor, ok := strings.Cut(line, " ")
			if ok {
				macPrefixes[strings.ToUpper(prefix)] = strings.TrimSpace(vendor)
			}
		}
		f.Close()
		return
	}
}
