package httpserve

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
)

// staticHandler serves a directory like python's http.server:
// index.html, listings, content types, HEAD, If-Modified-Since, Range.
//
// It is http.FileServer over an http.FileSystem backed by os.Root, not
// http.Dir: os.Root refuses every path that leaves the directory ("..",
// symlinks out, absolute symlinks), and files are handed to net/http as
// *os.File so that it can use sendfile (http.FileServerFS wraps them
// and cannot).
type staticHandler struct {
	root   *os.Root
	server http.Handler
}

func newStatic(dir string, dotfiles bool) (*staticHandler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &staticHandler{
		root:   root,
		server: http.FileServer(rootFS{root: root, dotfiles: dotfiles}),
	}, nil
}

func (h *staticHandler) close() { h.root.Close() }

func (h *staticHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		Error(w, http.StatusNotImplemented, fmt.Sprintf("Unsupported method ('%s')", r.Method))
		return
	}
	h.server.ServeHTTP(w, r)
}

// rootFS is an http.FileSystem confined to an os.Root.
type rootFS struct {
	root     *os.Root
	dotfiles bool
}

// Open opens name ("/a/b", already cleaned by http.FileServer). Every
// failure is reported as fs.ErrNotExist, so the client gets python's
// 404 "File not found" whether the file is missing, unreadable or
// outside the root.
func (f rootFS) Open(name string) (http.File, error) {
	rel := strings.TrimPrefix(name, "/")
	if rel == "" {
		rel = "."
	}
	if !f.dotfiles && hasDotElement(rel) {
		return nil, fs.ErrNotExist
	}
	file, err := f.root.Open(rel)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", fs.ErrNotExist, err)
	}
	if f.dotfiles {
		return file, nil
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("%w: %v", fs.ErrNotExist, err)
	}
	if st.IsDir() {
		return hiddenFilter{file}, nil
	}
	return file, nil
}

// hasDotElement reports whether a slash-separated path has an element
// starting with "." (other than "." itself).
func hasDotElement(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if len(e) > 1 && e[0] == '.' {
			return true
		}
	}
	return false
}

// hiddenFilter is a directory whose listing leaves out dotfiles.
type hiddenFilter struct{ *os.File }

func (d hiddenFilter) Readdir(n int) ([]fs.FileInfo, error) {
	all, err := d.File.Readdir(n)
	out := all[:0]
	for _, fi := range all {
		if !strings.HasPrefix(fi.Name(), ".") {
			out = append(out, fi)
		}
	}
	return out, err
}

func (d hiddenFilter) ReadDir(n int) ([]fs.DirEntry, error) {
	all, err := d.File.ReadDir(n)
	out := all[:0]
	for _, e := range all {
		if !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e)
		}
	}
	return out, err
}
