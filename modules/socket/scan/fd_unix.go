//go:build unix

package scan

import (
	"os"

	"golang.org/x/sys/unix"
)

// fdAvailable estimates how many descriptors the process may still open:
// the soft RLIMIT_NOFILE (or limit, if positive) minus those open now,
// minus a reserve for the rest of the program.
func fdAvailable(limit int) int {
	if limit <= 0 {
		var rl unix.Rlimit
		if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<20 {
			return DefaultWorkers
		}
		limit = int(rl.Cur)
	}
	open := 0
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		open = len(ents)
	} else if ents, err := os.ReadDir("/dev/fd"); err == nil {
		open = len(ents)
	}
	return max(1, limit-open-(8+limit/32))
}
