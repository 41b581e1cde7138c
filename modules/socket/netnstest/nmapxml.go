package netnstest

import (
	"encoding/xml"
	"fmt"
	"net/netip"
)

// UpHosts reads an nmap XML report (nmap's own or netstar scan's -oX)
// and returns its hosts that are up, each with the state and reason of
// every port it lists (ports folded into <extraports> are not listed),
// in the words Want uses. A LAN test compares them with Want.
func UpHosts(report []byte) (map[netip.Addr]map[int]PortState, error) {
	var run struct {
		Hosts []struct {
			Status struct {
				State string `xml:"state,attr"`
			} `xml:"status"`
			Addresses []struct {
				Addr string `xml:"addr,attr"`
				Type string `xml:"addrtype,attr"`
			} `xml:"address"`
			Ports []struct {
				ID    int `xml:"portid,attr"`
				State struct {
					State  string `xml:"state,attr"`
					Reason string `xml:"reason,attr"`
				} `xml:"state"`
			} `xml:"ports>port"`
		} `xml:"host"`
	}
	if err := xml.Unmarshal(report, &run); err != nil {
		return nil, fmt.Errorf("netnstest: nmap XML: %w", err)
	}
	up := map[netip.Addr]map[int]PortState{}
	for _, h := range run.Hosts {
		if h.Status.State != "up" {
			continue
		}
		var ip netip.Addr
		for _, a := range h.Addresses {
			if a.Type == "ipv4" || a.Type == "ipv6" {
				if p, err := netip.ParseAddr(a.Addr); err == nil {
					ip = p
				}
			}
		}
		if !ip.IsValid() {
			return nil, fmt.Errorf("netnstest: nmap XML: a host without an IP address")
		}
		ports := map[int]PortState{}
		for _, p := range h.Ports {
			ports[p.ID] = PortState{State: p.State.State, Reason: p.State.Reason}
		}
		up[ip] = ports
	}
	return up, nil
}
