package main

import (
	"fmt"
	"io"
	"syscall"

	"github.com/netstar/netstar/builtins/i18n"
)

// minOpenFiles is the fewest open files netstar starts with: the three
// standard streams, the Go runtime's poller (an epoll descriptor and an
// eventfd, made when the first file or socket is opened), a script, a
// socket and a DNS query, with room to spare. Below about 6 the runtime
// cannot create its poller and dies with "fatal error: runtime:
// netpollinit failed", which says nothing a user can act on.
const minOpenFiles = 16

// checkFileLimit refuses to start, with a message saying what to do,
// when the limit on open files (ulimit -n) is below minOpenFiles.
// getrlimit is syscall.Getrlimit outside tests. The Go runtime has
// already raised the soft limit to the hard one, so the soft limit is
// what netstar has. A limit that cannot be read is not checked.
func checkFileLimit(stderr io.Writer, getrlimit func(int, *syscall.Rlimit) error) (status int, ok bool) {
	var lim syscall.Rlimit
	if err := getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur >= minOpenFiles {
		return 0, true
	}
	fmt.Fprintln(stderr, fileLimitMessage(i18n.Current(), lim.Cur))
	return 1, false
}

// fileLimitMessage is checkFileLimit's message in lang.
func fileLimitMessage(lang i18n.Lang, limit uint64) string {
	if lang == i18n.Spanish {
		return fmt.Sprintf("netstar: el límite de ficheros abiertos (ulimit -n) es %d; netstar necesita al menos %d. Súbelo antes de ejecutarlo, por ejemplo: ulimit -n 1024", limit, minOpenFiles)
	}
	return fmt.Sprintf("netstar: the limit on open files (ulimit -n) is %d; netstar needs at least %d. Raise it before running netstar, for example: ulimit -n 1024", limit, minOpenFiles)
}
