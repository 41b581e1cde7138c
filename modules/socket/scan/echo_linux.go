//go:build linux

package scan

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"
)

// ICMP echo discovery: with CAP_NET_RAW, the IPv4 hosts ARP did not
// decide (those off the attached segments, or all of them with NoARP)
// are also sent an ICMP echo request, as nmap does as root; a reply
// makes the host up (echo-reply) even when its firewall drops the TCP
// pings. It runs alongside the TCP pings, so it adds no time.

const (
	echoTimeout = time.Second // per round
	echoRounds  = 2
	// echoMaxHosts bounds the hosts asked by ICMP (the replies are
	// matched by address); bigger scans use TCP pings only.
	echoMaxHosts = 1 << 16
)

// echoDiscover pings the IPv4 hosts of space for which ask is true,
// marking those that answer in st (hostEcho). It does nothing when raw
// ICMP sockets are not allowed here.
func (s *Scanner) echoDiscover(ctx context.Context, space *hostSpace, st *hostStatus, ask func(h uint64) bool) error {
	byIP := map[netip.Addr]uint64{}
	var targets []netip.Addr
	for h := uint64(0); h < space.total && len(targets) < echoMaxHosts; h++ {
		_, ip, _ := space.host(h)
		// Loopback is left to the TCP pings: its replies would say
		// nothing a refused port does not.
		if ip = ip.Unmap(); ip.Is4() && !ip.IsLoopback() && ask(h) {
			byIP[ip] = h
			targets = append(targets, ip)
		}
	}
	if len(targets) == 0 || len(targets) >= echoMaxHosts {
		return nil
	}
	fd, err := s.rawICMP()
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return nil // no CAP_NET_RAW: TCP pings only
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)

	var cookie [8]byte
	rand.Read(cookie[:])
	id := int(binary.BigEndian.Uint16(cookie[:2]))
	answered := make(map[uint64]bool, len(targets))
	buf := make([]byte, 1500)
	for round := 0; round < echoRounds && len(answered) < len(targets) && ctx.Err() == nil; round++ {
		for i, ip := range targets {
			if answered[byIP[ip]] || ctx.Err() != nil {
				continue
			}
			msg := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: id, Seq: round<<15 | i&0x7fff, Data: cookie[:]}}
			pkt, err := msg.Marshal(nil)
			if err != nil {
				return err
			}
			to := &unix.SockaddrInet4{Addr: ip.As4()}
			if err := unix.Sendto(fd, pkt, 0, to); err != nil && !echoSendIgnored(err) {
				return fmt.Errorf("scan: ICMP echo to %s: %w", ip, err)
			}
		}
		deadline := time.Now().Add(echoTimeout)
		for time.Now().Before(deadline) && len(answered) < len(targets) && ctx.Err() == nil {
			tv := unix.NsecToTimeval(int64(min(time.Until(deadline), 50*time.Millisecond)))
			unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
			n, from, err := unix.Recvfrom(fd, buf, 0)
			if err != nil {
				continue // EAGAIN at the timeout, EINTR
			}
			sa, ok := from.(*unix.SockaddrInet4)
			if !ok {
				continue
			}
			h, ok := byIP[netip.AddrFrom4(sa.Addr)]
			if !ok || answered[h] || !isEchoReply(buf[:n], id, cookie[:]) {
				continue
			}
			answered[h] = true
			st.mark(h, hostEcho)
		}
	}
	return ctx.Err()
}

// echoSendIgnored reports whether a failed echo request only means no
// answer: no buffer, no route, a firewall (EPERM), or a broadcast
// address (EACCES without SO_BROADCAST, as ping says).
func echoSendIgnored(err error) bool {
	for _, e := range []unix.Errno{unix.ENOBUFS, unix.EHOSTUNREACH, unix.ENETUNREACH, unix.EPERM, unix.EACCES, unix.EADDRNOTAVAIL, unix.EINVAL} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// rawICMP opens a raw ICMP socket in the scan's namespace (a socket
// stays in the namespace it was made in).
func (s *Scanner) rawICMP() (fd int, err error) {
	if s.Namespace != "" {
		ns, err := openNetns(s.Namespace)
		if err != nil {
			return -1, err
		}
		defer ns.close()
		restore, err := ns.enter()
		if err != nil {
			return -1, err
		}
		defer func() {
			if rerr := restore(); rerr != nil && err == nil {
				unix.Close(fd)
				fd, err = -1, rerr
			}
		}()
	}
	return unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
}

// isEchoReply reports whether p (an IPv4 packet, as a raw socket gives
// it) is an echo reply to one of this scan's requests.
func isEchoReply(p []byte, id int, cookie []byte) bool {
	if len(p) < 20 || p[0]>>4 != 4 {
		return false
	}
	hl := int(p[0]&0x0f) * 4
	if hl < 20 || len(p) < hl {
		return false
	}
	m, err := icmp.ParseMessage(1, p[hl:])
	if err != nil || m.Type != ipv4.ICMPTypeEchoReply {
		return false
	}
	e, ok := m.Body.(*icmp.Echo)
	return ok && e.ID == id && string(e.Data) == string(cookie)
}
