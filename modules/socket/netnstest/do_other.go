//go:build !linux

package netnstest

// Do fails: network namespaces are a Linux feature (New never succeeds
// elsewhere, so there is no Namespace to enter).
func (ns *Namespace) Do(fn func() error) error { return ErrUnavailable }
