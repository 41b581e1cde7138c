package scan

import "time"

// Timing defaults, nmap's where nmap has one.
const (
	// DefaultMinRTTTimeout is the shortest probe timeout a host's
	// measured round-trip time can bring it down to (nmap's
	// --min-rtt-timeout default).
	DefaultMinRTTTimeout = 100 * time.Millisecond
	// DefaultRateLimitWindow is how long a host that limits its error
	// answers (Linux sends one ICMP error a second after a burst of
	// about six) needs to answer again; see Scanner.RateLimitRounds.
	// The extra 50 ms covers the kernel's clock ticks (jiffies): an
	// answer asked for exactly a second after the last one may find
	// the host's token a tick short.
	DefaultRateLimitWindow = time.Second + 50*time.Millisecond
	// DefaultRateLimitRounds caps the slow retries of one port on a host
	// that limits its answers. Every round decides at least one port of
	// the host, so the rounds end anyway; the port a host answers last
	// needs about as many rounds as the host has closed ports, hence no
	// lower cap by default.
	DefaultRateLimitRounds = MaxPort
)
