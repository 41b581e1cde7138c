//go:build !unix

package builtins

const syscallNonblock = 0
