//go:build !linux

package scan

import "context"

// arpDiscover is Linux only: elsewhere every host gets TCP pings.
func (s *Scanner) arpDiscover(ctx context.Context, space *hostSpace, st *hostStatus) (*hostStatus, error) {
	return nil, nil
}

// echoDiscover is Linux only: elsewhere every host gets TCP pings.
func (s *Scanner) echoDiscover(ctx context.Context, space *hostSpace, st *hostStatus, ask func(h uint64) bool) error {
	return nil
}
