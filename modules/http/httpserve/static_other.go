//go:build !unix

package httpserve

// openFlags are added to O_RDONLY when a served path is opened; this
// system has no FIFOs that block an open.
const openFlags = 0
