//go:build !linux

package httpserve

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// readNames calls fn for every entry of dir from its current offset,
// with the name (valid only during the call) and its type bits
// (fs.ModeIrregular for a type this server never serves; unknown is
// not needed here: ReadDir asks the file system itself).
func readNames(dir *os.File, buf []byte, unknown func(name []byte) fs.FileMode, fn func(name []byte, mode fs.FileMode)) error {
	for {
		ents, err := dir.ReadDir(1024)
		for _, e := range ents {
			mode := e.Type()
			if mode&^(fs.ModeDir|fs.ModeSymlink) != 0 {
				mode = fs.ModeIrregular
			}
			fn(append(buf[:0], e.Name()...), mode)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if len(ents) == 0 {
			return nil
		}
	}
}
