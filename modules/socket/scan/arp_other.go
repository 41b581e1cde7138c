//go:build !linux

package scan

import "context"

// arpDiscover is Linux only: elsewhere every host gets TCP pings.
func (s *Scanner) arpDiscover(ctx context.Context, space *hostSpace, st *hostStatus) (*hostStatus, error) {
	return nil, nil
}
