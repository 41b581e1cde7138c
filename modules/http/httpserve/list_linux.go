package httpserve

import (
	"io/fs"
	"os"
	"syscall"
	"unsafe"
)

// readNames calls fn for every entry of dir from its current offset,
// with the name (valid only during the call) and the type bits of the
// directory entry (fs.ModeIrregular for a type this server never
// serves; unknown is asked when the file system does not say). It reads with getdents64 into buf, so that a pass over a
// large directory allocates nothing per entry (os.File.ReadDir
// allocates a DirEntry for each).
func readNames(dir *os.File, buf []byte, unknown func(name []byte) fs.FileMode, fn func(name []byte, mode fs.FileMode)) error {
	rc, err := dir.SyscallConn()
	if err != nil {
		return err
	}
	for {
		var n int
		var rerr error
		if err := rc.Read(func(fd uintptr) bool {
			n, rerr = syscall.Getdents(int(fd), buf)
			return rerr != syscall.EAGAIN
		}); err != nil {
			return err
		}
		if rerr != nil {
			return rerr
		}
		if n <= 0 {
			return nil
		}
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen < 19 || reclen > len(b) {
				break
			}
			typ := b[18]
			name := b[19:reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			b = b[reclen:]
			if len(name) == 0 || len(name) <= 2 && name[0] == '.' && (len(name) == 1 || name[1] == '.') {
				continue // "." and ".."
			}
			var mode fs.FileMode
			switch typ {
			case syscall.DT_REG:
			case syscall.DT_DIR:
				mode = fs.ModeDir
			case syscall.DT_LNK:
				mode = fs.ModeSymlink
			case syscall.DT_UNKNOWN:
				mode = unknown(name) // some file systems do not say
			default:
				mode = fs.ModeIrregular
			}
			fn(name, mode)
		}
	}
}
