//go:build linux

package scan

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"slices"
	"time"

	"golang.org/x/sys/unix"
)

// ARP discovery: with CAP_NET_RAW, hosts on a directly attached IPv4
// Ethernet segment are asked who they are, as nmap does as root. A host
// answers ARP whatever its firewall drops, so the answer is the truth
// for the segment; a host that does not answer is down. Without the
// capability (or off the segment) hosts are pinged over TCP instead.

const (
	arpTimeout = 500 * time.Millisecond // per round
	arpRounds  = 2
	ethPARP    = 0x0806
)

// arpLink is one Ethernet interface with an IPv4 subnet.
type arpLink struct {
	ifi    net.Interface
	ip     netip.Addr
	subnet netip.Prefix
}

// arpLinks lists the interfaces ARP can ask on, in the calling thread's
// namespace.
func arpLinks() []arpLink {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []arpLink
	for _, ifi := range ifs {
		if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagLoopback != 0 || len(ifi.HardwareAddr) != 6 {
			continue
		}
		addrs, _ := ifi.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip, ok := netip.AddrFromSlice(ipn.IP)
			if !ok || !ip.Unmap().Is4() {
				continue
			}
			bits, _ := ipn.Mask.Size()
			out = append(out, arpLink{ifi: ifi, ip: ip.Unmap(), subnet: netip.PrefixFrom(ip.Unmap(), bits).Masked()})
		}
	}
	return out
}

// arpDiscover asks every host of space that lies on an attached
// segment, marking those that answer in st (hostARP) and returning the
// set of hosts it decided (answered or not). It returns nil, nil when
// ARP cannot be used here (no capability, no segment).
func (s *Scanner) arpDiscover(ctx context.Context, space *hostSpace, st *hostStatus) (decided *hostStatus, err error) {
	if s.Namespace != "" {
		ns, err := openNetns(s.Namespace)
		if err != nil {
			return nil, err
		}
		defer ns.close()
		restore, err := ns.enter()
		if err != nil {
			return nil, err
		}
		defer func() {
			if rerr := restore(); rerr != nil && err == nil {
				err = rerr
			}
		}()
	}
	links := arpLinks()
	if len(links) == 0 {
		return nil, nil
	}
	type target struct {
		h    uint64
		link int
	}
	var targets []target
	for h := uint64(0); h < space.total; h++ {
		_, ip, _ := space.host(h)
		ip = ip.Unmap()
		if !ip.Is4() {
			continue
		}
		for i, l := range links {
			if l.subnet.Contains(ip) && ip != l.ip && ip != l.subnet.Addr() && ip != broadcast(l.subnet) {
				targets = append(targets, target{h, i})
				break
			}
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(htons(ethPARP)))
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return nil, nil // no CAP_NET_RAW: TCP pings only
	}
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	byIP := make(map[netip.Addr]uint64, len(targets))
	decided = newHostStatus(space.total)
	for _, t := range targets {
		_, ip, _ := space.host(t.h)
		byIP[ip.Unmap()] = t.h
		decided.mark(t.h, hostRefused) // any bit: decided by ARP
	}
	answered := make(map[uint64]bool, len(targets))
	buf := make([]byte, 128)
	for round := 0; round < arpRounds && len(answered) < len(targets); round++ {
		for _, t := range targets {
			if answered[t.h] || ctx.Err() != nil {
				continue
			}
			_, ip, _ := space.host(t.h)
			l := links[t.link]
			pkt := arpRequest(l.ifi.HardwareAddr, l.ip, ip.Unmap())
			to := &unix.SockaddrLinklayer{Protocol: htons(ethPARP), Ifindex: l.ifi.Index, Halen: 6, Addr: [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
			if err := unix.Sendto(fd, pkt, 0, to); err != nil && !errors.Is(err, unix.ENOBUFS) {
				return nil, err
			}
		}
		deadline := time.Now().Add(arpTimeout)
		for time.Now().Before(deadline) && len(answered) < len(targets) && ctx.Err() == nil {
			tv := unix.NsecToTimeval(int64(min(time.Until(deadline), 50*time.Millisecond)))
			unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
			n, _, err := unix.Recvfrom(fd, buf, 0)
			if err != nil {
				continue // EAGAIN at the timeout, EINTR
			}
			if spa, sha, ok := arpReply(buf[:n]); ok {
				if h, ok := byIP[spa]; ok && !answered[h] {
					answered[h] = true
					st.mark(h, hostARP)
					st.macs.Store(h, sha)
				}
			}
		}
	}
	return decided, ctx.Err()
}

func broadcast(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	v := binary.BigEndian.Uint32(a[:]) | (1<<(32-p.Bits()) - 1)
	binary.BigEndian.PutUint32(a[:], v)
	return netip.AddrFrom4(a)
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// arpRequest builds an ARP who-has tpa, tell spa.
func arpRequest(sha net.HardwareAddr, spa, tpa netip.Addr) []byte {
	p := make([]byte, 28)
	binary.BigEndian.PutUint16(p[0:], 1)      // Ethernet
	binary.BigEndian.PutUint16(p[2:], 0x0800) // IPv4
	p[4], p[5] = 6, 4
	binary.BigEndian.PutUint16(p[6:], 1) // request
	copy(p[8:14], sha)
	s4, t4 := spa.As4(), tpa.As4()
	copy(p[14:18], s4[:])
	copy(p[24:28], t4[:])
	return p
}

// arpReply returns the sender's addresses of an ARP reply: IPv4 and
// Ethernet.
func arpReply(p []byte) (netip.Addr, net.HardwareAddr, bool) {
	if len(p) < 28 || binary.BigEndian.Uint16(p[0:]) != 1 || binary.BigEndian.Uint16(p[2:]) != 0x0800 ||
		p[4] != 6 || p[5] != 4 || binary.BigEndian.Uint16(p[6:]) != 2 {
		return netip.Addr{}, nil, false
	}
	return netip.AddrFrom4([4]byte(p[14:18])), net.HardwareAddr(slices.Clone(p[8:14])), true
}
