package httpserve

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Bounds of a listing's memory.
const (
	// listBatch is how many entries one pass over a directory keeps: a
	// directory of up to listBatch entries is read once; a larger one
	// is read again for each further batch (100,000 entries: 25 passes
	// of getdents), so that a listing holds at most listBatch names
	// whatever the directory's size (about 0.3 MiB with names of 30
	// bytes), where keeping every entry cost about 60 MiB per
	// concurrent listing of 100,000 files.
	listBatch = 4096
	// listFlush is how much of the page is buffered before it is sent:
	// a page that fits has a Content-Length as python's has; a longer
	// one is streamed (chunked).
	listFlush = 64 << 10
)

// listEntry is one name of a listing. key is python's sort key,
// name.lower(); names with the same key are ordered by their bytes, so
// the order is total and every pass can resume after the last name the
// previous one sent.
type listEntry struct {
	key, name string
	mode      fs.FileMode // type bits from the directory entry
}

func (a *listEntry) less(b *listEntry) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return a.name < b.name
}

// list answers a directory without index.html with python's listing:
// names sorted by name.lower(), "/" after directories, "@" after
// symlinks. Dotfiles (unless served), FIFOs, sockets, devices and
// symlinks that would be refused are left out: the listing shows only
// what the server serves. rel is the directory's resolved path inside
// the root.
//
// The listing is produced in batches of listBatch names in order: each
// pass reads the whole directory and keeps, in a bounded max-heap, the
// listBatch smallest names after the last one sent. Entries created or
// removed while a large directory is listed may be missed, as with any
// directory read; none is listed twice.
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

	batch := make([]listEntry, 0, listBatch)
	var last listEntry
	for pass := 0; ; pass++ {
		if pass > 0 {
			if _, err := dir.Seek(0, io.SeekStart); err != nil {
				break
			}
		}
		var more bool
		var err error
		batch, more, err = h.readBatch(dir, batch[:0], &last, pass > 0)
		if err != nil && pass == 0 && len(batch) == 0 {
			Error(w, http.StatusNotFound, "No permission to list directory")
			return
		}
		slices.SortFunc(batch, func(a, b listEntry) int {
			if a.less(&b) {
				return -1
			}
			if b.less(&a) {
				return 1
			}
			return 0
		})
		for i := range batch {
			buf = h.appendEntry(buf, rel, &batch[i])
			if len(buf) >= listFlush && !send() {
				return // the client is gone
			}
		}
		if !more || len(batch) == 0 || r.Context().Err() != nil {
			break
		}
		last = batch[len(batch)-1]
	}
	buf = append(buf, "</ul>\n<hr>\n</body>\n</html>\n"...)
	if !started {
		w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
	}
	send()
}

// readBatch reads the whole directory and returns the listBatch
// smallest listable entries after last (all of them when after is
// false), unsorted, and whether it left some out.
func (h *staticHandler) readBatch(dir *os.File, heap []listEntry, last *listEntry, after bool) ([]listEntry, bool, error) {
	more := false
	for {
		ents, err := dir.ReadDir(256)
		for _, e := range ents {
			name := e.Name()
			if name == "" || !h.dotfiles && name[0] == '.' {
				continue
			}
			mode := e.Type()
			if mode&^(fs.ModeDir|fs.ModeSymlink) != 0 {
				continue // FIFO, socket, device: never served
			}
			cand := listEntry{key: strings.ToLower(name), name: name, mode: mode}
			if after && !last.less(&cand) {
				continue
			}
			if len(heap) < listBatch {
				heap = append(heap, cand)
				siftUp(heap, len(heap)-1)
				continue
			}
			more = true
			if cand.less(&heap[0]) {
				heap[0] = cand
				siftDown(heap, 0)
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return heap, more, err
		}
		if len(ents) == 0 {
			return heap, more, nil
		}
	}
}

// siftUp and siftDown keep heap a max-heap (the largest entry first).
func siftUp(heap []listEntry, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !heap[p].less(&heap[i]) {
			return
		}
		heap[p], heap[i] = heap[i], heap[p]
		i = p
	}
}

func siftDown(heap []listEntry, i int) {
	for {
		l, big := 2*i+1, i
		if l < len(heap) && heap[big].less(&heap[l]) {
			big = l
		}
		if r := l + 1; r < len(heap) && heap[big].less(&heap[r]) {
			big = r
		}
		if big == i {
			return
		}
		heap[i], heap[big] = heap[big], heap[i]
		i = big
	}
}

// appendEntry appends python's line for e:
// <li><a href="quoted">escaped</a></li>.
func (h *staticHandler) appendEntry(buf []byte, rel string, e *listEntry) []byte {
	display, link := e.name, e.name
	switch {
	case e.mode&fs.ModeSymlink != 0:
		ok, isDir := h.servable(path.Join(rel, e.name))
		if !ok {
			return buf
		}
		display = e.name + "@"
		if isDir {
			link = e.name + "/"
		}
	case e.mode.IsDir():
		display, link = e.name+"/", e.name+"/"
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
