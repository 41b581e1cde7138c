package servecmd

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingRE = regexp.MustCompile(`^Serving HTTP on (\S+) port (\d+) \((http://\S+/)\) \.\.\.\n`)

// start runs netstar serve with args and returns the port, the logs and
// a function that sends sig and returns the exit status.
func start(t *testing.T, args ...string) (port string, stdout, stderr *syncBuffer, stop func(os.Signal) int) {
	t.Helper()
	stdout, stderr = new(syncBuffer), new(syncBuffer)
	sigs := make(chan os.Signal, 1)
	done := make(chan int, 1)
	go func() { done <- run(sigs, args, stdout, stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := servingRE.FindStringSubmatch(stdout.String()); m != nil {
			port = m[2]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("netstar serve %q exited %d: %s%s", args, code, stdout, stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("netstar serve %q did not start: %s%s", args, stdout, stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return port, stdout, stderr, func(sig os.Signal) int {
		sigs <- sig
		return <-done
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	c.CloseIdleConnections()
	return resp.StatusCode, string(b)
}

// TestServe: netstar serve PORT DIR serves the directory like python's
// http.server: the same start line, files, the same log line; dotfiles
// are hidden; Ctrl-C prints python's line and exits 0, SIGTERM quietly.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "payload.sh"), []byte("echo hi\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("SECRET=1\n"), 0o644)
	port, stdout, stderr, stop := start(t, "0", dir, "--bind", "127.0.0.1")
	if !strings.HasPrefix(stdout.String(), "Serving HTTP on 127.0.0.1 port "+port+" (http://127.0.0.1:"+port+"/) ...\n") {
		t.Errorf("start line %q", stdout)
	}
	base := "http://127.0.0.1:" + port + "/"
	if code, body := get(t, base+"payload.sh"); code != 200 || body != "echo hi\n" {
		t.Errorf("GET payload.sh: %d %q", code, body)
	}
	if code, _ := get(t, base+".env"); code != 404 {
		t.Errorf("GET .env: %d, want 404 (dotfiles hidden)", code)
	}
	if code, body := get(t, base); code != 200 || !strings.Contains(body, "payload.sh") || strings.Contains(body, ".env") {
		t.Errorf("listing: %d %q", code, body)
	}
	if code := stop(os.Interrupt); code != 0 {
		t.Errorf("exit %d after Ctrl-C", code)
	}
	if !strings.HasSuffix(stdout.String(), "\nKeyboard interrupt received, exiting.\n") {
		t.Errorf("stdout after Ctrl-C: %q", stdout)
	}
	if !regexp.MustCompile(`(?m)^127\.0\.0\.1 - - \[[^]]+\] "GET /payload\.sh HTTP/1\.1" 200 -$`).MatchString(stderr.String()) {
		t.Errorf("log lacks python's access line:\n%s", stderr)
	}

	_, stdout, _, stop = start(t, "0", "--directory", dir, "--bind", "127.0.0.1")
	if code := stop(syscall.SIGTERM); code != 0 || strings.Contains(stdout.String(), "Keyboard") {
		t.Errorf("SIGTERM: exit %d, stdout %q", code, stdout)
	}
}

// TestServeLikePython: with no arguments both bind every address on the
// same kind of start line; python3 is the reference.
func TestServeLikePython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3")
	}
	cmd := exec.Command(py, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1")
	cmd.Dir = t.TempDir()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	pm := servingRE.FindStringSubmatch(line)
	if pm == nil {
		t.Fatalf("python's start line %q does not read as netstar's pattern", line)
	}
	_, stdout, _, stop := start(t, "0", cmd.Dir, "--bind", "127.0.0.1")
	defer stop(os.Interrupt)
	if nm := servingRE.FindStringSubmatch(stdout.String()); nm == nil || nm[1] != pm[1] {
		t.Errorf("netstar %q, python %q", stdout, line)
	}
}

// TestBadArguments: each is refused with a message, exit 2, nothing bound.
func TestBadArguments(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"http"}, `port "http"`},
		{[]string{"70000"}, `port "70000"`},
		{[]string{"0", "/no/such/dir"}, "no such file"},
		{[]string{"0", file}, "is not a directory"},
		{[]string{"0", ".", "extra"}, "want [PORT] [DIR]"},
		{[]string{"0", ".", "--directory", "."}, "give one"},
		{[]string{"0", "--bind", "example.org"}, "names are not looked up"},
		{[]string{"--nope"}, "flag provided but not defined"},
	} {
		var stderr bytes.Buffer
		if code := run(nil, tt.args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
