package httpserve_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/http/httpserve"
	"go.uber.org/goleak"
)

// TestSpecialFilesNeverBlock: a FIFO (and a Unix socket) in the served
// directory is refused at once, however many clients ask for it, and
// costs no goroutine or descriptor once answered. Opening a FIFO for
// reading blocks until a writer comes; the server used to block one
// thread and one descriptor per request on it, for good (450 requests
// aborted the process). A hang shows here as a request that gets no
// answer within its 20 s deadline.
func TestSpecialFilesNeverBlock(t *testing.T) {
	www, _ := site(t)
	if err := syscall.Mkfifo(filepath.Join(www, "fifo"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := syscall.Mkfifo(filepath.Join(www, "sub", "pipe.html"), 0o644); err != nil {
		t.Fatal(err)
	}
	sock, err := net.Listen("unix", filepath.Join(www, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	if err := os.Symlink("fifo", filepath.Join(www, "tofifo")); err != nil {
		t.Fatal(err)
	}
	// A directory whose index.html is a FIFO is listed, not blocked on.
	if err := os.Mkdir(filepath.Join(www, "fifoindex"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(www, "fifoindex", "index.html"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, dotfiles := range []bool{false, true} {
		t.Run(fmt.Sprintf("dotfiles=%v", dotfiles), func(t *testing.T) {
			fdsBefore, goBefore := openFDs(t), runtime.NumGoroutine()
			srv, log := start(t, httpserve.Config{Dir: www, Dotfiles: dotfiles})
			targets := []string{"/fifo", "/sub/pipe.html", "/sock", "/tofifo"}
			const n = 50
			var wg sync.WaitGroup
			errs := make(chan string, n*len(targets))
			for i := 0; i < n; i++ {
				for _, target := range targets {
					wg.Add(1)
					go func() {
						defer wg.Done()
						status, _, body, err := tryGet(srv, target)
						switch {
						case err != nil:
							errs <- fmt.Sprintf("%s: %v", target, err)
						case status != 403 && status != 404:
							errs <- fmt.Sprintf("%s: status %d, want 403 or 404; body %q", target, status, body)
						}
					}()
				}
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
			status, _, body := get(t, srv, "/fifoindex/")
			if status != 200 || !strings.Contains(body, "Directory listing for /fifoindex/") || strings.Contains(body, "index.html") {
				t.Errorf("/fifoindex/: %d %q", status, body)
			}
			status, _, body = get(t, srv, "/")
			if status != 200 || strings.Contains(body, "fifo\"") || strings.Contains(body, "sock") || strings.Contains(body, "tofifo") {
				t.Errorf("listing shows what it refuses: %q", body)
			}
			log.WaitFor(t, `"GET /tofifo HTTP/1.1" 403 -`)
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			if fds := openFDs(t); fds > fdsBefore {
				t.Errorf("descriptors: %d before, %d after", fdsBefore, fds)
			}
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > goBefore && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if g := runtime.NumGoroutine(); g > goBefore {
				t.Errorf("goroutines: %d before, %d after", goBefore, g)
			}
		})
	}
	goleak.VerifyNone(t)
}

// tryGet is get for other goroutines: it reports failures instead of
// stopping the test.
func tryGet(srv *httpserve.Server, target string) (int, http.Header, string, error) {
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		return 0, nil, "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		return 0, nil, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, nil, "", err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header, string(b), err
}

// pythonServer runs `python3 -m http.server` on dir on a loopback port
// and returns its address; it skips the test when python3 is missing.
func pythonServer(t *testing.T, dir string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("comparing with python's http.server needs python3")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	ln.Close()
	cmd := exec.Command(py, "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, port)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("python3 -m http.server did not start: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rawTo is raw for any address.
func rawTo(t *testing.T, addr, request string) (int, http.Header, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	io.WriteString(c, request)
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: strings.Fields(request)[0]})
	if err != nil {
		t.Fatalf("%q: %v", request, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header, string(b)
}

// TestAnswersLikePython compares status, Location, Content-Length and
// body with python3 -m http.server on the same directory (no dotfiles
// or symlinks in it, where this server differs on purpose): index.html
// asked for by name is served (it used to be a 301 with an empty
// body), listings are python's page byte for byte, in python's order.
func TestAnswersLikePython(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"sub", "withindex", "Zeta dir", "empty"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"hello.txt": "hello\n", "B.txt": "b", "a.txt": "a", "c&d <e>.html": "x", "ñandú.txt": "ü", "100%.txt": "p",
		"sub/index.html": "<h1>payload</h1>", "sub/other.js": "x()", "withindex/index.htm": "htm",
		"Zeta dir/x": "z",
	}
	for p, c := range files {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	py := pythonServer(t, dir)
	srv, _ := start(t, httpserve.Config{Dir: dir})
	targets := []string{
		"/", "/sub/index.html", "/sub/index.html?x=1", "/sub/", "/sub", "/sub?q=1", "/withindex/", "/withindex/index.htm",
		"/empty/", "/Zeta%20dir/", "/hello.txt", "/hello.txt/", "/nope", "/sub/../hello.txt", "/c%26d%20%3Ce%3E.html",
	}
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			for _, method := range []string{"GET", "HEAD"} {
				req := method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
				ws, wh, wb := rawTo(t, py, req)
				gs, gh, gb := rawTo(t, srv.Addr().String(), req)
				if gs != ws || gh.Get("Location") != wh.Get("Location") || gb != wb {
					t.Errorf("%s: netstar %d %q %q, python %d %q %q", method, gs, gh.Get("Location"), gb, ws, wh.Get("Location"), wb)
				}
				if ws < 400 && gh.Get("Content-Length") != wh.Get("Content-Length") {
					t.Errorf("%s: Content-Length %q, python %q", method, gh.Get("Content-Length"), wh.Get("Content-Length"))
				}
			}
		})
	}
}

// TestSymlinksDoNotDefeatTheDotfileRule: what a symlink resolves to is
// hidden when any element of the resolved path is a dotfile, however
// the link is named or chained, and a listing shows exactly what is
// served: every link it shows answers 200, every link it refuses is
// left out. The server used to serve link_dot -> .env and
// gitlink/config, and listed out-of-root links that it then refused.
func TestSymlinksDoNotDefeatTheDotfileRule(t *testing.T) {
	www, _ := site(t)
	links := map[string]string{
		"link_dot":      ".env",
		"gitlink":       ".git",
		"cfg":           ".git/config",
		"chain1":        "chain2",
		"chain2":        "link_dot",
		"sub/deep":      "../.git",
		"sub/deepcfg":   "../gitlink/config",
		"viasub":        "sub/../.env",
		"loop":          "loop",
		"subl":          "sub",
		"roottoo":       "withindex/..",
		"sub/hello.lnk": "../hello.txt",
	}
	for p, target := range links {
		if err := os.Symlink(target, filepath.Join(www, p)); err != nil {
			t.Fatal(err)
		}
	}
	srv, _ := start(t, httpserve.Config{Dir: www})
	hidden := []string{"/link_dot", "/gitlink", "/gitlink/", "/gitlink/config", "/cfg", "/chain1", "/chain2",
		"/sub/deep/config", "/sub/deep/", "/sub/deepcfg", "/viasub", "/loop", "/subl/deep/config", "/roottoo/.env"}
	for _, target := range hidden {
		status, _, body := get(t, srv, target)
		if status != 404 || strings.Contains(body, secret) {
			t.Errorf("%s: %d %q, want 404", target, status, body)
		}
	}
	served := map[string]string{"/subl/a.json": `{"a": 1}`, "/sub/hello.lnk": "hello world\n", "/in.txt": "hello world\n", "/roottoo/hello.txt": "hello world\n"}
	for target, want := range served {
		if status, _, body := get(t, srv, target); status != 200 || body != want {
			t.Errorf("%s: %d %q, want 200 %q", target, status, body, want)
		}
	}

	// Crawl: every link of every listing is served; no refused link is listed.
	href := regexp.MustCompile(`<li><a href="([^"]+)">([^<]+)</a></li>`)
	for _, dir := range []string{"/", "/sub/", "/subl/", "/roottoo/"} {
		status, _, body := get(t, srv, dir)
		if status != 200 {
			t.Fatalf("%s: %d", dir, status)
		}
		var names []string
		for _, m := range href.FindAllStringSubmatch(body, -1) {
			names = append(names, m[2])
			if st, _, b := get(t, srv, dir+m[1]); st != 200 || strings.Contains(b, secret) {
				t.Errorf("%s lists %q but %s%s answers %d", dir, m[2], dir, m[1], st)
			}
		}
		for _, refused := range []string{"link_dot@", "gitlink@", "cfg@", "chain1@", "chain2@", "deep@", "deepcfg@", "viasub@", "loop@", "out@", "out.txt@", "abs.txt@", "absin.txt@", "up@", ".env", ".git/"} {
			if slices.Contains(names, refused) {
				t.Errorf("%s lists %q, which is refused", dir, refused)
			}
		}
		if dir == "/" {
			for _, want := range []string{"in.txt@", "subl@", "roottoo@", "hello.txt", "sub/"} {
				if !slices.Contains(names, want) {
					t.Errorf("/ does not list %q: %q", want, names)
				}
			}
		}
	}

	// With dotfiles served, the links to them are served and listed too.
	dot, _ := start(t, httpserve.Config{Dir: www, Dotfiles: true})
	if status, _, body := get(t, dot, "/link_dot"); status != 200 || body != secret {
		t.Errorf("Dotfiles: /link_dot: %d %q", status, body)
	}
	if _, _, body := get(t, dot, "/"); !strings.Contains(body, `<a href="gitlink/">gitlink@</a>`) || strings.Contains(body, "out.txt") {
		t.Errorf("Dotfiles: listing %q", body)
	}
}

// peakRSS resets the process's peak resident size (VmHWM) through
// /proc/self/clear_refs and returns a function that reports how far
// the peak went above the resident size at the reset, in bytes.
func peakRSS(t *testing.T) func() int64 {
	t.Helper()
	read := func(field string) int64 {
		b, err := os.ReadFile("/proc/self/status")
		if err != nil {
			t.Skipf("measuring memory needs /proc/self/status: %v", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
				return kb << 10
			}
		}
		t.Skipf("/proc/self/status has no %s", field)
		return 0
	}
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("resetting the peak RSS needs /proc/self/clear_refs: %v", err)
	}
	base := read("VmRSS")
	return func() int64 { return read("VmHWM") - base }
}

// TestLargeListingBoundedMemory: 20 clients list a directory of 100,000
// files at once, and the process's peak RSS grows by less than 96 MiB.
// The bound: all listings together hold at most the shared pool (16
// MiB) plus 1 MiB each (listPool, listFloor in list.go): 36 MiB here;
// the rest is the collector's slack (GOGC=100 lets the heap reach twice
// what is live), the 64 KiB page buffer of each listing and both sides'
// connection buffers. The server used to read and sort the whole
// directory with an Lstat per entry for each listing: about 60 MiB per
// concurrent listing, 1.2 GiB here. The page itself is python's, byte
// for byte, in python's order (name.lower()).
func TestLargeListingBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 100,000 files")
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.Mkdir(big, 0o755); err != nil {
		t.Fatal(err)
	}
	const n = 100_000
	for i := 0; i < n; i++ {
		// Mixed case, so that python's name.lower() order matters.
		name := fmt.Sprintf("File-%06d.txt", (i*7919)%n)
		if i%3 == 0 {
			name = strings.ToLower(name)
		}
		f, err := os.Create(filepath.Join(big, name))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	srv, _ := start(t, httpserve.Config{Dir: dir})

	peak := peakRSS(t)
	began := time.Now()
	clients := 20
	if raceEnabled {
		clients = 4 // the same code paths, in reasonable time
	}
	var wg sync.WaitGroup
	sizes := make([]int64, clients)
	errs := make([]error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL() + "big/")
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			sizes[i], errs[i] = io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != 200 {
				errs[i] = fmt.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	grew := peak()
	http.DefaultClient.CloseIdleConnections()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
	}
	t.Logf("peak RSS grew by %.1f MiB for %d concurrent listings of %d entries (%d bytes each, %v)", float64(grew)/(1<<20), clients, n, sizes[0], time.Since(began).Round(time.Millisecond))
	if raceEnabled {
		t.Log("built with -race: its shadow memory is in the RSS; the bound is checked without -race")
	} else if grew > 96<<20 {
		t.Errorf("peak RSS grew by %.1f MiB, want < 96 MiB", float64(grew)/(1<<20))
	}

	_, _, got := rawTo(t, srv.Addr().String(), "GET /big/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if c := strings.Count(got, "<li>"); c != n {
		t.Errorf("the listing has %d entries, want %d", c, n)
	}
	py := pythonServer(t, dir)
	_, _, want := rawTo(t, py, "GET /big/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if got != want {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("the listing differs from python's at byte %d: %q, python %q", i, got[i:min(i+80, len(got))], want[i:min(i+80, len(want))])
	}
}
