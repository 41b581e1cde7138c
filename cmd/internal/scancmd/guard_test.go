package scancmd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// waitSize waits until path holds more than n bytes.
func waitSize(t *testing.T, path string, n int64) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if fileSize(path) > n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never grew past %d bytes", path, n)
}

// TestSecondWriterRefused starts a slow scan, then a second one that
// would write to the same checkpoint or the same output file: the
// second is refused before any probe with an error naming the file,
// and the first finishes with an output and a checkpoint that are
// whole (one record per probe, a complete resume).
func TestSecondWriterRefused(t *testing.T) {
	tests := []struct {
		name   string
		shared func(dir string) (first, second []string, file string)
	}{
		{"same --resume", func(dir string) ([]string, []string, string) {
			ck := filepath.Join(dir, "scan.ckpt")
			return []string{"--resume", ck, "-oJ", filepath.Join(dir, "a.jsonl")},
				[]string{"--resume", ck, "-oJ", filepath.Join(dir, "b.jsonl")}, ck
		}},
		{"same -oJ", func(dir string) ([]string, []string, string) {
			out := filepath.Join(dir, "a.jsonl")
			return []string{"--resume", filepath.Join(dir, "scan.ckpt"), "-oJ", out},
				[]string{"-oJ", out}, out
		}},
		{"same -oX", func(dir string) ([]string, []string, string) {
			out := filepath.Join(dir, "a.xml")
			return []string{"--resume", filepath.Join(dir, "scan.ckpt"), "-oJ", filepath.Join(dir, "a.jsonl"), "-oX", out},
				[]string{"-oX", out}, out
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			first, second, file := tt.shared(dir)
			args := []string{"127.0.0.1", "-p", "1-600", "-Pn", "--seed", "3", "--rate", "1000"}
			cmd := child("scan", append(args, first...)...)
			var errA bytes.Buffer
			cmd.Stderr = &errA
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			waitSize(t, filepath.Join(dir, "scan.ckpt"), 200) // the header and a first mark or record
			code, errB := runChild(t, append(args, second...)...)
			if code != ExitUsage || !strings.Contains(errB, "another netstar scan is writing to "+file) {
				t.Errorf("second writer: exit %d, want %d and the file named:\n%s", code, ExitUsage, errB)
			}
			if err := <-done; err != nil {
				t.Fatalf("first scan: %v\n%s", err, errA.String())
			}
			recs := readJSONL(t, filepath.Join(dir, "a.jsonl"))
			if got := ipPorts(recs); len(recs) != 600 || len(got) != 600 {
				t.Errorf("first scan's output: %d records, %d ip:ports, want 600", len(recs), len(got))
			}
			code, errs := runChild(t, append(args, first...)...)
			if code != 0 || !strings.Contains(errs, "records a complete scan") || strings.Contains(errs, "warning") {
				t.Errorf("resume after both: exit %d\n%s", code, errs)
			}
		})
	}
	// Two options of one scan naming the same file: refused in their
	// own words, not as another scan's lock.
	dir := t.TempDir()
	p := filepath.Join(dir, "x")
	if code, errs := runChild(t, "127.0.0.1", "-p", "1", "-oJ", p, "-oN", p); code != ExitUsage || !strings.Contains(errs, "-oJ and -oN both name") {
		t.Errorf("-oJ x -oN x: exit %d\n%s", code, errs)
	}
}

// TestSignalsBeforeProbing sends SIGINT and SIGTERM to a scan waiting
// on an idle -iL - pipe, an --exclude-file FIFO without a writer or an
// -oJ FIFO without a reader: it
// stops at once (exit 3, interrupted). A FIFO given as --resume is
// refused at once (exit 2): a checkpoint is a file netstar rewrites.
func TestSignalsBeforeProbing(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	tests := []struct {
		name string
		args []string
		sig  syscall.Signal
	}{
		{"-iL - idle, SIGINT", []string{"-iL", "-", "-p", "1"}, syscall.SIGINT},
		{"-iL - idle, SIGTERM", []string{"-iL", "-", "-p", "1"}, syscall.SIGTERM},
		{"-iL FIFO, SIGTERM", []string{"-iL", fifo, "-p", "1"}, syscall.SIGTERM},
		{"--exclude-file FIFO, SIGINT", []string{"127.0.0.1", "--exclude-file", fifo, "-p", "1"}, syscall.SIGINT},
		{"-oJ FIFO without a reader, SIGTERM", []string{"127.0.0.1", "-oJ", fifo, "-p", "1"}, syscall.SIGTERM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := child("scan", tt.args...)
			stdin, err := cmd.StdinPipe() // open and idle
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// The signal must find the handler installed: it is, once
			// the child waits on its input. Send until it ends.
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			var werr error
		wait:
			for i := 0; ; i++ {
				select {
				case werr = <-done:
					break wait
				case <-tick.C:
					if i == 50 {
						cmd.Process.Kill()
						t.Fatalf("still running 10 s after %v\n%s", tt.sig, errb.String())
					}
					cmd.Process.Signal(tt.sig)
				}
			}
			ee, ok := werr.(*exec.ExitError)
			if !ok || ee.ExitCode() != ExitInterrupted || !strings.Contains(errb.String(), "interrupted") {
				t.Errorf("%v: %v, want exit %d and 'interrupted'\n%s", tt.sig, werr, ExitInterrupted, errb.String())
			}
		})
	}
	t.Run("--resume FIFO", func(t *testing.T) {
		cmd := child("scan", "127.0.0.1", "-p", "1", "--resume", fifo)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		cmd.Start()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitUsage || !strings.Contains(errb.String(), "not a regular file") {
				t.Errorf("%v\n%s", err, errb.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatal("--resume FIFO: still waiting after 10 s")
		}
	})
	if _, err := os.Stat(fifo); err != nil {
		t.Error(err)
	}
}

// TestBudgetMessage: a scan over --max-hosts names the limit, also when
// it is crossed by a later target (the budget left is then 0).
func TestBudgetMessage(t *testing.T) {
	list := filepath.Join(t.TempDir(), "t.txt")
	os.WriteFile(list, []byte("10.0.0.0/24\n10.0.1.0/24\n"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "--max-hosts", "512"}, `target "10.0.2.0/24": the targets hold more than 512 hosts in all`},
		{[]string{"10.0.0.0/24,10.0.1.0/24,10.0.2.0/30", "--max-hosts", "512"}, `target "10.0.2.0/30": the targets hold more than 512 hosts in all`},
		{[]string{"10.0.0.0/24", "10.0.1.0/25", "--max-hosts", "300"}, `target "10.0.1.0/25": the targets hold more than 300 hosts in all`},
		{[]string{"10.9.0.0/24", "-iL", list, "--max-hosts", "512"}, `t.txt:2: target "10.0.1.0/24": the targets hold more than 512 hosts in all`},
	}
	for _, tt := range tests {
		code, _, errs := runScan(t, nil, append(tt.args, "-p", "1")...)
		if code != ExitUsage || !strings.Contains(errs, tt.want) || strings.Contains(errs, "more than 0 hosts") {
			t.Errorf("%v: exit %d\n%s\nwant %s", tt.args, code, errs, tt.want)
		}
	}
}
