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
	DefaultRateLimitWindow = time.Second
	// DefaultRateLimitRounds caps the slow retries of one port on a host
	// that limits its answers.
	DefaultRateLimitRounds = 100
)
