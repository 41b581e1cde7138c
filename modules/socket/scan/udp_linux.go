//go:build linux

package scan

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// UDP probes: a connected, non-blocking UDP socket per probe with
// IP_RECVERR, so that the ICMP error a host sends back is queued on the
// socket with its type and code (plain sockets only see ECONNREFUSED).
// The socket waits for EPOLLIN (a reply: open) or EPOLLERR (an ICMP
// error: closed or filtered); the connect timeouts, retries and the slow
// rounds for hosts that rate-limit their ICMP errors are the TCP probes'.

// startUDP sends the probe's datagram. It reports false for a local
// shortage, as start does.
func (l *loop) startUDP(pr probe, dst *rawSockaddr, domain int) (bool, error) {
	fd, err := unix.Socket(domain, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		if isLocal(err) {
			return false, nil
		}
		return false, fmt.Errorf("scan: socket: %w", err)
	}
	level, opt := unix.SOL_IP, unix.IP_RECVERR
	if domain == unix.AF_INET6 {
		level, opt = unix.SOL_IPV6, unix.IPV6_RECVERR
	}
	if err := unix.SetsockoptInt(fd, level, opt, 1); err != nil {
		unix.Close(fd)
		return false, fmt.Errorf("scan: IP_RECVERR: %w", err)
	}
	t0 := l.now()
	pr.sent = t0
	if l.e.hostTimeout > 0 {
		l.e.hosts.get(pr.host).firstSent.CompareAndSwap(0, t0+1)
	}
	if errno := dst.connect(fd); errno != 0 {
		unix.Close(fd)
		v, reason := classify(errno)
		if v == vLocal {
			return false, nil
		}
		l.decide(pr, v, reason, l.now()-t0, "") // no route: filtered
		return true, nil
	}
	if _, err := unix.Write(fd, Payload(int(pr.port))); err != nil {
		unix.Close(fd)
		v, reason := classify(err)
		if v == vLocal {
			return false, nil
		}
		if v == vClosed {
			v, reason = vClosed, ReasonPortUnreach
		}
		l.decide(pr, v, reason, l.now()-t0, "")
		return true, nil
	}
	l.take(fd, pr, phaseConnect, t0)
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, l.event(fd, unix.EPOLLIN)); err != nil {
		l.free(fd)
		unix.Close(fd)
		return false, fmt.Errorf("scan: epoll_ctl: %w", err)
	}
	timeout := l.e.hosts.get(pr.host).timeout(l.e.timeout, l.e.minRTT, l.e.maxTimeout)
	l.connQ.push(deadline{fd: int32(fd), gen: l.slots[fd].gen, at: t0 + timeout})
	l.backoff = 0
	return true, nil
}

// handleUDP decides a UDP probe whose socket is readable or has an
// error queued.
func (l *loop) handleUDP(fd int, s *slot) {
	pr, t0 := s.probe, s.start
	v, reason, data, ok := udpOutcome(fd)
	if !ok {
		return // spurious wake-up
	}
	rtt := l.now() - t0
	l.free(fd)
	unix.Close(fd)
	banner := ""
	if v == vOpen && l.e.banner {
		banner = string(data)
	}
	l.decide(pr, v, reason, rtt, banner)
}

// udpOutcome reads what a UDP probe's socket holds: the queued ICMP
// error (MSG_ERRQUEUE), else the reply.
func udpOutcome(fd int) (v verdict, reason string, data []byte, ok bool) {
	var buf [BannerMax]byte
	var oob [128]byte
	_, oobn, _, _, err := unix.Recvmsg(fd, buf[:], oob[:], unix.MSG_ERRQUEUE)
	if err == nil {
		if v, reason, ok := icmpVerdict(oob[:oobn]); ok {
			return v, reason, nil, true
		}
	}
	n, err := unix.Read(fd, buf[:])
	switch {
	case err == nil:
		return vOpen, ReasonUDPResponse, buf[:n], true
	case err == unix.EAGAIN:
		return 0, "", nil, false
	}
	v, reason = classify(err)
	if v == vClosed {
		reason = ReasonPortUnreach
	}
	return v, reason, nil, true
}

// icmpVerdict reads the sock_extended_err of a queued ICMP error and
// decides the port as nmap -sU does: port unreachable is closed, the
// other destination unreachables (and time exceeded) filtered.
func icmpVerdict(oob []byte) (verdict, string, bool) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return 0, "", false
	}
	for _, m := range msgs {
		if !(m.Header.Level == unix.SOL_IP && m.Header.Type == unix.IP_RECVERR ||
			m.Header.Level == unix.SOL_IPV6 && m.Header.Type == unix.IPV6_RECVERR) {
			continue
		}
		if len(m.Data) < int(unsafe.Sizeof(unix.SockExtendedErr{})) {
			continue
		}
		ee := (*unix.SockExtendedErr)(unsafe.Pointer(&m.Data[0]))
		return udpICMPState(ee.Origin, ee.Type, ee.Code, unix.Errno(ee.Errno))
	}
	return 0, "", false
}

// udpICMPState maps an ICMP (or ICMPv6) type and code to a verdict and
// nmap's reason.
func udpICMPState(origin, typ, code uint8, errno unix.Errno) (verdict, string, bool) {
	switch origin {
	case unix.SO_EE_ORIGIN_ICMP:
		if typ == 3 { // destination unreachable
			switch code {
			case 3:
				return vClosed, ReasonPortUnreach, true
			case 0, 6:
				return vFiltered, "net-unreach", true
			case 1, 7:
				return vFiltered, "host-unreach", true
			case 2:
				return vFiltered, "proto-unreach", true
			case 9:
				return vFiltered, "net-prohibited", true
			case 10:
				return vFiltered, "host-prohibited", true
			case 13:
				return vFiltered, "admin-prohibited", true
			}
			return vFiltered, fmt.Sprintf("icmp-unreach-%d", code), true
		}
		if typ == 11 {
			return vFiltered, "time-exceeded", true
		}
		return vFiltered, fmt.Sprintf("icmp-%d/%d", typ, code), true
	case unix.SO_EE_ORIGIN_ICMP6:
		if typ == 1 { // destination unreachable
			switch code {
			case 4:
				return vClosed, ReasonPortUnreach, true
			case 1:
				return vFiltered, "admin-prohibited", true
			case 3:
				return vFiltered, "host-unreach", true
			}
			return vFiltered, "net-unreach", true
		}
		return vFiltered, fmt.Sprintf("icmp6-%d/%d", typ, code), true
	case unix.SO_EE_ORIGIN_LOCAL:
		// The kernel's own error: typically a failed ARP (EHOSTUNREACH).
		return vFiltered, errnoName(errno), true
	}
	return 0, "", false
}
