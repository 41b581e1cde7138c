package httpserve

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
)

// staticHandler serves a directory like python's http.server:
// index.html, listings, content types, HEAD, If-Modified-Since, Range.
//
// Every path is opened through an os.Root, which refuses every path that
// leaves the directory ("..", symlinks out, absolute symlinks). What is
// served is decided on the opened descriptor: it is opened with
// O_NONBLOCK (a FIFO would block the open until a writer comes) and
// fstat must say regular file or directory; FIFOs, sockets and devices
// get 403. Unless dotfiles are served, the path is first resolved
// symlink by symlink inside the root and refused when any element of
// the resolved path starts with "." (link -> .git is as hidden as
// .git), and the opened file must be the one resolved (os.SameFile), so
// a swap between the two steps is refused too.
//
// Files are handed to http.ServeContent as *os.File, so that net/http
// can use sendfile. Listings are streamed in python's order (see list).
type staticHandler struct {
	root     *os.Root
	dotfiles bool
	pool     atomic.Int64 // bytes that listings may still take (see listPool)
}

func newStatic(dir string, dotfiles bool) (*staticHandler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	h := &staticHandler{root: root, dotfiles: dotfiles}
	h.pool.Store(listPool)
	return h, nil
}

func (h *staticHandler) close() { h.root.Close() }

// Why a path is refused; every error but errNotRegular answers 404.
var (
	errNotRegular = errors.New("not a regular file or directory")
	errHidden     = errors.New("a dotfile (Config.Dotfiles is off)")
	errChanged    = errors.New("the file changed while it was opened")
	errEscapes    = errors.New("the path leaves the served directory")
	errAbsLink    = errors.New("an absolute symlink")
)

// maxLinks bounds the symlinks followed to resolve one path, as the
// kernel's ELOOP does.
const maxLinks = 40

func (h *staticHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		Error(w, http.StatusNotImplemented, fmt.Sprintf("Unsupported method ('%s')", r.Method))
		return
	}
	upath := r.URL.Path
	if !strings.HasPrefix(upath, "/") {
		upath = "/" + upath
	}
	name := path.Clean(upath)
	rel := strings.TrimPrefix(name, "/")
	if rel == "" {
		rel = "."
	}
	f, st, resolved, err := h.open(rel)
	if err != nil {
		h.fail(w, err)
		return
	}
	defer f.Close()
	if !st.IsDir() {
		if strings.HasSuffix(upath, "/") {
			// python: a file asked for as a directory is not found.
			Error(w, http.StatusNotFound, "File not found")
			return
		}
		http.ServeContent(w, r, path.Base(name), st.ModTime(), f)
		return
	}
	if !strings.HasSuffix(upath, "/") {
		redirectDir(w, r, name)
		return
	}
	for _, index := range [...]string{"index.html", "index.htm"} {
		g, gst, _, err := h.open(path.Join(rel, index))
		if err != nil {
			continue
		}
		if gst.Mode().IsRegular() {
			defer g.Close()
			http.ServeContent(w, r, index, gst.ModTime(), g)
			return
		}
		g.Close()
	}
	h.list(w, r, f, resolved)
}

// fail answers a path that open refused.
func (h *staticHandler) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, errNotRegular) {
		Error(w, http.StatusForbidden, "Not a regular file")
		return
	}
	Error(w, http.StatusNotFound, "File not found")
}

// redirectDir answers a directory asked for without its final slash
// as python does: 301 to the same path with "/", an empty body. The
// Location is built from the cleaned path, which has one leading slash,
// so "//host" cannot become an off-site redirect.
func redirectDir(w http.ResponseWriter, r *http.Request, name string) {
	loc := (&url.URL{Path: name + "/"}).EscapedPath()
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	hdr := w.Header()
	hdr.Set("Location", loc)
	hdr.Set("Content-Length", "0")
	w.WriteHeader(http.StatusMovedPermanently)
}

// open opens rel (slash-separated, relative to the root) for serving
// and returns it with its fstat and its path resolved inside the root
// (rel itself when dotfiles are served). Only regular files and
// directories are returned.
func (h *staticHandler) open(rel string) (*os.File, fs.FileInfo, string, error) {
	var want fs.FileInfo
	if !h.dotfiles {
		if hasDotElement(rel) {
			return nil, nil, "", errHidden
		}
		resolved, fi, err := h.resolve(rel)
		if err != nil {
			return nil, nil, "", err
		}
		if hasDotElement(resolved) {
			return nil, nil, "", errHidden
		}
		rel, want = resolved, fi
	}
	f, err := h.root.OpenFile(rel, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, "", fmt.Errorf("%w: %v", fs.ErrNotExist, err)
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		err = fmt.Errorf("%w: %v", fs.ErrNotExist, err)
	case want != nil && !os.SameFile(want, st):
		err = errChanged
	case !st.Mode().IsRegular() && !st.IsDir():
		err = errNotRegular
	}
	if err != nil {
		f.Close()
		return nil, nil, "", err
	}
	return f, st, rel, nil
}

// resolve follows the symlinks of rel inside the root as the kernel
// does (a link's target replaces it; ".." after it leaves what it led
// to) and returns the path without symlinks, relative to the root ("."
// for the root itself), with the Lstat of its last element. A path
// that climbs out of the root, an absolute link and a loop are errors;
// os.Root would refuse them too.
func (h *staticHandler) resolve(rel string) (string, fs.FileInfo, error) {
	done := "" // resolved so far; "" is the root
	todo := rel
	var last fs.FileInfo // Lstat of done, when known
	links := 0
	for todo != "" {
		var c string
		c, todo, _ = strings.Cut(todo, "/")
		switch c {
		case "", ".":
			continue
		case "..":
			if done == "" {
				return "", nil, errEscapes
			}
			if i := strings.LastIndexByte(done, '/'); i >= 0 {
				done = done[:i]
			} else {
				done = ""
			}
			last = nil
			continue
		}
		p := c
		if done != "" {
			p = done + "/" + c
		}
		fi, err := h.root.Lstat(p)
		if err != nil {
			return "", nil, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done, last = p, fi
			continue
		}
		if links++; links > maxLinks {
			return "", nil, syscall.ELOOP
		}
		target, err := h.root.Readlink(p)
		if err != nil {
			return "", nil, err
		}
		if target == "" || filepath.IsAbs(target) || strings.HasPrefix(target, "/") {
			return "", nil, errAbsLink
		}
		target = filepath.ToSlash(target)
		if todo != "" {
			todo = target + "/" + todo
		} else {
			todo = target
		}
	}
	if done == "" {
		done = "."
	}
	if last == nil {
		fi, err := h.root.Lstat(done)
		if err != nil {
			return "", nil, err
		}
		last = fi
	}
	return done, last, nil
}

// servable reports whether the symlink at rel would be served (it
// resolves inside the root to a regular file or a directory, hidden by
// no dotfile) and whether it leads to a directory; the listing shows
// only the links it serves.
func (h *staticHandler) servable(rel string) (ok, dir bool) {
	resolved, fi, err := h.resolve(rel)
	if err != nil || !h.dotfiles && hasDotElement(resolved) {
		return false, false
	}
	return fi.Mode().IsRegular() || fi.IsDir(), fi.IsDir()
}

// hasDotElement reports whether a slash-separated path has an element
// starting with "." (other than "." itself).
func hasDotElement(p string) bool {
	for p != "" {
		var e string
		e, p, _ = strings.Cut(p, "/")
		if len(e) > 1 && e[0] == '.' {
			return true
		}
	}
	return false
}
