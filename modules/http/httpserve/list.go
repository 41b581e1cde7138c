package httpserve

import (
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// A listing's memory is the names it holds and their index (about 12
// bytes per entry plus its name: a directory of 100,000 names of 15
// bytes takes 2.6 MiB). It may hold listFloor bytes, and up to
// listBudget when the server's shared listPool has room; the pool
// bounds what all concurrent listings hold together. A directory that
// fits is read once and sorted; a larger one is listed in batches of
// names in order, one pass over the directory per batch. So memory
// stays bounded (listPool plus listFloor per listing) whatever the
// directory's size and the number of clients, and costs passes instead
// when many large listings run at once. The server used to keep an
// os.FileInfo (with an lstat) per entry: about 60 MiB per concurrent
// listing of 100,000 files.
const (
	listFloor  = 1 << 20
	listBudget = 8 << 20
	listPool   = 16 << 20
)

// listFlush is how much of the page is buffered before it is sent: a
// page that fits has a Content-Length as python's has; a longer one is
// streamed (chunked).
const listFlush = 64 << 10

// nameSet is a batch of directory entries: the names in one arena and
// a compact index into it.
type nameSet struct {
	arena []byte
	ents  []nameRef
	grant int64 // bytes taken from the server's listPool
}

// nameRef is a name of a nameSet: arena[off:off+n], with its type bits
// from the directory entry (only fs.ModeDir and fs.ModeSymlink occur).
type nameRef struct {
	off  uint32
	n    uint16 // names are at most 255 bytes (NAME_MAX)
	mode fs.FileMode
}

func (s *nameSet) name(e nameRef) []byte { return s.arena[e.off : e.off+uint32(e.n)] }

func (s *nameSet) size() int64 {
	return int64(cap(s.arena)) + int64(cap(s.ents))*int64(unsafe.Sizeof(nameRef{}))
}

func (s *nameSet) add(name []byte, mode fs.FileMode) {
	s.ents = append(s.ents, nameRef{off: uint32(len(s.arena)), n: uint16(len(name)), mode: mode})
	s.arena = append(s.arena, name...)
}

func (s *nameSet) sort() {
	slices.SortFunc(s.ents, func(a, b nameRef) int { return compareNames(s.name(a), s.name(b)) })
}

// keep keeps the first k entries (sorted) in a new arena.
func (s *nameSet) keep(k int) {
	n := 0
	for _, e := range s.ents[:k] {
		n += int(e.n)
	}
	arena := make([]byte, 0, n)
	for i := range s.ents[:k] {
		e := &s.ents[i]
		name := s.name(*e)
		e.off = uint32(len(arena))
		arena = append(arena, name...)
	}
	s.arena, s.ents = arena, slices.Clone(s.ents[:k])
}

// compareNames orders names as python's listing does, by name.lower(),
// and names with the same lower case by their bytes, so that the order
// is total and a pass can resume after the last name the previous one
// sent.
func compareNames[A, B ~string | ~[]byte](a A, b B) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x >= 0x80 || y >= 0x80 {
			if c := strings.Compare(strings.ToLower(string(a[i:])), strings.ToLower(string(b[i:]))); c != 0 {
				return c
			}
			return strings.Compare(string(a), string(b))
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return int(x) - int(y)
		}
	}
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(string(a), string(b))
}

// list answers a directory without index.html with python's listing:
// names sorted by name.lower(), "/" after directories, "@" after
// symlinks. Dotfiles (unless served), FIFOs, sockets, devices and
// symlinks that would be refused are left out: the listing shows only
// what the server serves. rel is the directory's resolved path inside
// the root.
//
// A pass reads the whole directory and keeps the names after the last
// one sent; when they outgrow listBudget it keeps the smaller half and
// from then on only names below the largest kept. What it kept is then
// exactly the next run of names in order: it is sorted and sent, and a
// next pass starts after it if anything was left out. Entries created
// or removed while a large directory is listed may be missed, as with
// any directory read; none is listed twice.
func (h *staticHandler) list(w http.ResponseWriter, r *http.Request, dir *os.File, rel string) {
	display := r.URL.Path
	if r.URL.RawQuery != "" {
		// python shows self.path unquoted, query included.
		q, err := url.PathUnescape(r.URL.RawQuery)
		if err != nil {
			q = r.URL.RawQuery
		}
		display += "?" + q
	}
	title := "Directory listing for " + htmlEscape(display)
	buf := make([]byte, 0, 4096)
	buf = append(buf, "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"...)
	buf = append(buf, title...)
	buf = append(buf, "</title>\n</head>\n<body>\n<h1>"...)
	buf = append(buf, title...)
	buf = append(buf, "</h1>\n<hr>\n<ul>\n"...)

	started := false
	send := func() bool {
		if !started {
			started = true
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
		}
		_, err := w.Write(buf)
		buf = buf[:0]
		return err == nil
	}

	var set nameSet
	dirBuf := make([]byte, 32<<10)
	defer func() { h.pool.Add(set.grant) }()
	var last []byte // the last name sent; nil before the first batch
	for pass := 0; ; pass++ {
		if pass > 0 {
			if _, err := dir.Seek(0, io.SeekStart); err != nil {
				break
			}
		}
		more, err := h.readBatch(dir, rel, &set, dirBuf, last)
		if err != nil && pass == 0 && len(set.ents) == 0 {
			Error(w, http.StatusNotFound, "No permission to list directory")
			return
		}
		set.sort()
		for _, e := range set.ents {
			buf = h.appendEntry(buf, rel, string(set.name(e)), e.mode)
			if len(buf) >= listFlush && !send() {
				return // the client is gone
			}
		}
		if !more || len(set.ents) == 0 || r.Context().Err() != nil {
			break
		}
		last = append(last[:0], set.name(set.ents[len(set.ents)-1])...)
	}
	buf = append(buf, "</ul>\n<hr>\n</body>\n</html>\n"...)
	if !started {
		w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
	}
	send()
}

// grant returns how many bytes a listing may hold, after trying to
// double what it has from the shared pool.
func (h *staticHandler) grant(g *int64) int64 {
	want := max(*g, listFloor)
	if *g+listFloor+want <= listBudget {
		for {
			left := h.pool.Load()
			if left < want {
				break
			}
			if h.pool.CompareAndSwap(left, left-want) {
				*g += want
				break
			}
		}
	}
	return listFloor + *g
}

// readBatch reads the whole directory into set (emptied first): the
// listable names after last (all of them when last is nil), as many as
// the listing may hold, unsorted; more reports that it left some out.
func (h *staticHandler) readBatch(dir *os.File, rel string, set *nameSet, buf, last []byte) (more bool, err error) {
	set.arena, set.ents = set.arena[:0], set.ents[:0]
	var cutoff []byte // when set, only names below it are kept
	unknown := func(name []byte) fs.FileMode {
		fi, err := h.root.Lstat(path.Join(rel, string(name)))
		if err != nil {
			return fs.ModeIrregular
		}
		if m := fi.Mode().Type(); m == 0 || m == fs.ModeDir || m == fs.ModeSymlink {
			return m
		}
		return fs.ModeIrregular
	}
	err = readNames(dir, buf, unknown, func(name []byte, mode fs.FileMode) {
		if len(name) == 0 || !h.dotfiles && name[0] == '.' || mode == fs.ModeIrregular {
			return // FIFO, socket, device: never served
		}
		if last != nil && compareNames(name, last) <= 0 {
			return
		}
		if cutoff != nil && compareNames(name, cutoff) >= 0 {
			more = true
			return
		}
		set.add(name, mode)
		if set.size() > h.grant(&set.grant) {
			more = true
			set.sort()
			set.keep(len(set.ents) / 2)
			cutoff = append(cutoff[:0], set.name(set.ents[len(set.ents)-1])...)
		}
	})
	return more, err
}

// appendEntry appends python's line for e:
// <li><a href="quoted">escaped</a></li>.
func (h *staticHandler) appendEntry(buf []byte, rel, name string, mode fs.FileMode) []byte {
	display, link := name, name
	switch {
	case mode&fs.ModeSymlink != 0:
		ok, isDir := h.servable(path.Join(rel, name))
		if !ok {
			return buf
		}
		display = name + "@"
		if isDir {
			link = name + "/"
		}
	case mode.IsDir():
		display, link = name+"/", name+"/"
	}
	buf = append(buf, "<li><a href=\""...)
	buf = appendQuoted(buf, link)
	buf = append(buf, "\">"...)
	buf = append(buf, htmlEscape(display)...)
	return append(buf, "</a></li>\n"...)
}

// appendQuoted appends s as python's urllib.parse.quote(s) does:
// letters, digits, "_.-~" and "/" stay, every other byte is %XX.
func appendQuoted(buf []byte, s string) []byte {
	const upper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.-~/", c) >= 0 {
			buf = append(buf, c)
			continue
		}
		buf = append(buf, '%', upper[c>>4], upper[c&15])
	}
	return buf
}

// htmlEscape is python's html.escape(s, quote=False).
var htmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
