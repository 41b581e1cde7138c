//go:build unix

package builtins

import "syscall"

const syscallNonblock = syscall.O_NONBLOCK
