package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeHTTPSignals: a foreground serve_http whose handlers are stuck
// (a sleep, an endless loop) stops when told, without waiting for them:
// SIGTERM quietly with status 143, Ctrl-C (SIGINT) with python's
// "Keyboard interrupt received, exiting." and status 130.
func TestServeHTTPSignals(t *testing.T) {
	bin := netstarBinary(t)
	script := filepath.Join(t.TempDir(), "stuck.star")
	os.WriteFile(script, []byte(`import socket, time
def h(req):
    if req.path == "/sleep":
        time.sleep(1000)
    while True:
        pass
socket.serve_http(port=0, handler=h, timeout=None)
`), 0o644)
	for _, tt := range []struct {
		sig      syscall.Signal
		status   int
		keyboard bool
	}{{syscall.SIGTERM, 143, false}, {syscall.SIGINT, 130, true}} {
		cmd := exec.Command(bin, script)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		rd := bufio.NewReader(stdout)
		line, err := rd.ReadString('\n')
		m := regexp.MustCompile(`\((http://\S+/)\)`).FindStringSubmatch(line)
		if err != nil || m == nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("start line %q: %v", line, err)
		}
		client := &http.Client{Timeout: 30 * time.Second}
		for i := range 10 {
			path := "sleep"
			if i%2 == 1 {
				path = "loop"
			}
			go func() {
				if resp, err := client.Get(m[1] + path); err == nil {
					resp.Body.Close()
				}
			}()
		}
		time.Sleep(300 * time.Millisecond) // the requests reach their handlers
		cmd.Process.Signal(tt.sig)
		rest := make(chan string, 1)
		go func() {
			var b strings.Builder
			rd.WriteTo(&b)
			rest <- b.String()
		}()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // the handlers never end by themselves
			cmd.Process.Kill()
			<-done
			t.Fatalf("%v: serve_http did not stop with its handlers stuck", tt.sig)
		}
		out := <-rest
		if got := cmd.ProcessState.ExitCode(); got != tt.status {
			t.Errorf("%v: status %d, want %d\n%s%s", tt.sig, got, tt.status, out, stderr.String())
		}
		if got := strings.Contains(out, "Keyboard interrupt received, exiting."); got != tt.keyboard {
			t.Errorf("%v: says Keyboard interrupt: %v, want %v\n%s", tt.sig, got, tt.keyboard, out)
		}
		client.CloseIdleConnections()
	}
}
