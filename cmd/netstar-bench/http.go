package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/netstar/netstar/builtins/table"
	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

func init() {
	register(command{name: "http", summary: "socket.serve_http vs plain net/http (Starlark handler, static file) with wrk", run: runHTTPBench})
}

// httpTarget is one server under test.
type httpTarget struct {
	name string
	url  string
}

func runHTTPBench(args []string) error {
	fs := flag.NewFlagSet("http", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("d", 2*time.Second, "duration of one wrk run")
	rounds := fs.Int("rounds", 7, "alternating rounds (the median ratio is reported)")
	threads := fs.Int("t", 2, "wrk threads")
	conns := fs.Int("c", 64, "wrk connections")
	logTo := fs.String("log", "", "file for serve_http's access log (default: formatted, then discarded)")
	python := fs.Bool("python", true, "also measure python3 -m http.server on the static file, for reference")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *rounds < 1:
		return fmt.Errorf("-rounds %d: must be at least 1", *rounds)
	case *duration <= 0:
		return fmt.Errorf("-d %v: must be positive", *duration)
	case *threads < 1 || *conns < *threads:
		return fmt.Errorf("-t %d -c %d: want at least one thread and a connection per thread", *threads, *conns)
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		fmt.Fprintln(stdout, "http bench skipped: needs wrk (apt-get install wrk)")
		return nil
	}

	var logw io.Writer = io.Discard
	if *logTo != "" {
		f, err := os.Create(*logTo)
		if err != nil {
			return err
		}
		defer f.Close()
		logw = f
	}

	dir, err := os.MkdirTemp("", "netstar-bench-http")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	const file = "page.html"
	content := strings.Repeat("<p>netstar static file benchmark</p>\n", 110) // about 4 KiB
	if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
		return err
	}

	// socket.serve_http with a Starlark handler, as a script would start it.
	sess := interp.New(interp.Config{Stdout: io.Discard, Stderr: logw})
	defer sess.Close()
	th := sess.NewThread("bench")
	globals := sess.Predeclared("__main__")
	src := fmt.Sprintf(`
import socket
def hello(req):
    return "Hello, World!"
handler_srv = socket.serve_http(port=0, host="127.0.0.1", handler=hello, background=True)
static_srv = socket.serve_http(port=0, host="127.0.0.1", directory=%q, background=True)
`, dir)
	f, err := interp.Parse("bench.star", []byte(src))
	if err != nil {
		return err
	}
	sess.Lock()
	err = interp.ExecChunk(th, f, globals)
	sess.Unlock()
	if err != nil {
		return err
	}
	urlOf := func(name string) string {
		v, _ := globals[name].(starlark.HasAttrs).Attr("url")
		return string(v.(starlark.String))
	}

	// The plain net/http competitors.
	goHello, err := startPlain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "Hello, World!")
	}))
	if err != nil {
		return err
	}
	defer goHello.Close()
	goFiles, err := startPlain(http.FileServer(http.Dir(dir)))
	if err != nil {
		return err
	}
	defer goFiles.Close()

	pairs := []struct {
		what       string
		ours, base httpTarget
		goal       float64
	}{
		{"handler returning a short string", httpTarget{"serve_http + Starlark handler", urlOf("handler_srv")},
			httpTarget{"net/http HandlerFunc", "http://" + goHello.Addr + "/"}, 0.7},
		{"static file (" + strconv.Itoa(len(content)) + " bytes)", httpTarget{"serve_http(directory=...)", urlOf("static_srv") + file},
			httpTarget{"http.FileServer(http.Dir)", "http://" + goFiles.Addr + "/" + file}, 0.9},
	}

	fmt.Fprintf(stdout, "wrk -t%d -c%d -d%s, %d alternating rounds, GOMAXPROCS=%d, %d CPUs\n",
		*threads, *conns, *duration, *rounds, runtime.GOMAXPROCS(0), runtime.NumCPU())
	var rows [][]string
	failed := false
	for _, p := range pairs {
		var ratios []float64
		var oursAll, baseAll []float64
		for r := 0; r < *rounds; r++ {
			// Alternate which one goes first, so warm-up and drift do not
			// favour one side.
			order := []httpTarget{p.ours, p.base}
			if r%2 == 1 {
				order = []httpTarget{p.base, p.ours}
			}
			got := map[string]float64{}
			for _, t := range order {
				rps, err := runWrk(wrk, *threads, *conns, *duration, t.url)
				if err != nil {
					return fmt.Errorf("%s: %w", t.name, err)
				}
				got[t.name] = rps
			}
			oursAll = append(oursAll, got[p.ours.name])
			baseAll = append(baseAll, got[p.base.name])
			ratios = append(ratios, got[p.ours.name]/got[p.base.name])
			fmt.Fprintf(stdout, "  round %d %-34s %10.0f req/s   %-28s %10.0f req/s   ratio %.2f\n",
				r+1, p.ours.name, got[p.ours.name], p.base.name, got[p.base.name], ratios[len(ratios)-1])
		}
		ratio := medianFloat(ratios)
		verdict := "ok"
		if ratio < p.goal {
			verdict = "BELOW GOAL"
			failed = true
		}
		rows = append(rows, []string{p.what, fmt.Sprintf("%.0f", medianFloat(oursAll)), fmt.Sprintf("%.0f", medianFloat(baseAll)),
			fmt.Sprintf("%.2f", ratio), fmt.Sprintf(">= %.1f", p.goal), verdict})
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, table.Render([]string{"case", "serve_http req/s", "net/http req/s", "ratio (median)", "goal", ""}, rows))

	if *python {
		if py, err := exec.LookPath("python3"); err == nil {
			rps, err := pythonReference(py, wrk, *threads, *conns, *duration, dir, file)
			if err != nil {
				fmt.Fprintf(stdout, "python3 -m http.server: %v\n", err)
			} else {
				fmt.Fprintf(stdout, "reference: python3 -m http.server on the same file: %.0f req/s\n", rps)
			}
		}
	}
	if failed {
		return errors.New("a ratio is below its goal")
	}
	return nil
}

func startPlain(h http.Handler) (*http.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, Addr: ln.Addr().String()}
	go srv.Serve(ln)
	return srv, nil
}

var wrkRPS = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
var wrkErrors = regexp.MustCompile(`(Non-2xx or 3xx responses|Socket errors): (.*)`)

func runWrk(wrk string, threads, conns int, d time.Duration, url string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, wrk, "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns),
		"-d"+strconv.Itoa(int(d.Seconds()))+"s", url).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %v: %s", err, out)
	}
	if m := wrkErrors.FindSubmatch(out); m != nil {
		return 0, fmt.Errorf("wrk reported %s: %s", m[1], m[2])
	}
	m := wrkRPS.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no Requests/sec in wrk output: %s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func pythonReference(py, wrk string, threads, conns int, d time.Duration, dir, file string) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(py, "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	url := fmt.Sprintf("http://127.0.0.1:%d/%s", port, file)
	for i := 0; ; i++ {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			return 0, fmt.Errorf("did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return runWrk(wrk, threads, conns, d, url)
}

func medianFloat(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
