//go:build unix

package httpserve

import "syscall"

// openFlags are added to O_RDONLY when a served path is opened: a FIFO
// opens at once instead of waiting for a writer, and a terminal device
// never becomes the process's controlling terminal. The type is then
// checked with fstat on the opened descriptor.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY
