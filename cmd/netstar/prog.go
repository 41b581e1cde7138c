// How netstar was run, so that the usage text and the hints name a
// command the user can type: a newcomer who ran `go run ./cmd/netstar`
// has no netstar on PATH.

package main

import (
	"os"
	"path/filepath"
	"strings"
)

// progName returns how the user ran netstar, given os.Args[0] and a
// PATH lookup (exec.LookPath): "go run ./cmd/netstar" for a binary that
// go run built in a go-build temporary directory; the bare name when
// looking that name up on PATH finds this same binary; otherwise argv0
// as it was typed (./netstar, /opt/netstar/bin/netstar).
func progName(argv0 string, lookPath func(string) (string, error)) string {
	if argv0 == "" {
		return "netstar"
	}
	if inGoBuildDir(argv0) {
		return "go run ./cmd/netstar"
	}
	if !strings.ContainsRune(argv0, filepath.Separator) {
		return argv0 // found on PATH already
	}
	base := filepath.Base(argv0)
	if p, err := lookPath(base); err == nil && sameFile(p, argv0) {
		return base
	}
	return argv0
}

// inGoBuildDir reports whether path lies in a go-build temporary
// directory, where go run puts the binary it builds
// ($TMPDIR/go-build123/b001/exe/netstar).
func inGoBuildDir(path string) bool {
	for _, dir := range strings.Split(filepath.Dir(path), string(filepath.Separator)) {
		if strings.HasPrefix(dir, "go-build") {
			return true
		}
	}
	return false
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}
