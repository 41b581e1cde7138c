package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/netstar/netstar/builtins/i18n"
)

// TestLowFileLimit runs the netstar binary under a low `ulimit -n`. Below
// the minimum it must refuse with a message naming the limit, not die
// with the Go runtime's "fatal error: runtime: netpollinit failed"; at
// the minimum a program with a socket runs.
func TestLowFileLimit(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("needs sh for ulimit -n")
	}
	bin := netstarBinary(t)
	const prog = "import socket\ns = socket.socket()\ns.close()\nprint('ran')\n"
	tests := []struct {
		limit  int
		args   []string
		env    string
		status int
		want   string
	}{
		{4, []string{"-c", prog}, "", 1, "the limit on open files (ulimit -n) is 4; netstar needs at least 16"},
		{8, []string{"-c", prog}, "", 1, "is 8; netstar needs at least 16"},
		{15, []string{"scan", "127.0.0.1", "-p", "1"}, "", 1, "is 15; netstar needs at least 16"},
		{4, []string{"-c", prog}, "LANG=es_ES.UTF-8", 1, "el límite de ficheros abiertos (ulimit -n) es 4"},
		{minOpenFiles, []string{"-c", prog}, "", 0, "ran\n"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d %s %s", tc.limit, tc.args[0], tc.env), func(t *testing.T) {
			script := fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, tc.limit)
			cmd := exec.Command("sh", append([]string{"-c", script, bin}, tc.args...)...)
			cmd.Env = append(cmd.Environ(), "LC_ALL=", "LC_MESSAGES=", "LANG=")
			if tc.env != "" {
				cmd.Env = append(cmd.Env, tc.env)
			}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			status := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatalf("running netstar: %v", err)
			}
			got := out.String()
			if status != tc.status || !strings.Contains(got, tc.want) {
				t.Errorf("ulimit -n %d: status %d, output %q; want status %d and %q", tc.limit, status, got, tc.status, tc.want)
			}
			if strings.Contains(got, "fatal error") || strings.Contains(got, "goroutine ") {
				t.Errorf("ulimit -n %d: the Go runtime died:\n%s", tc.limit, got)
			}
		})
	}
}

func TestCheckFileLimit(t *testing.T) {
	tests := []struct {
		name   string
		cur    uint64
		err    error
		ok     bool
		output string
	}{
		{"below the minimum", 4, nil, false, fileLimitMessage(i18n.English, 4) + "\n"},
		{"at the minimum", minOpenFiles, nil, true, ""},
		{"the usual limit", 1 << 20, nil, true, ""},
		{"unreadable: not checked", 0, syscall.EPERM, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			status, ok := checkFileLimit(&out, func(resource int, lim *syscall.Rlimit) error {
				if resource != syscall.RLIMIT_NOFILE {
					t.Errorf("asked for resource %d, want RLIMIT_NOFILE", resource)
				}
				lim.Cur, lim.Max = tc.cur, tc.cur
				return tc.err
			})
			if ok != tc.ok || out.String() != tc.output || (!ok && status != 1) {
				t.Errorf("checkFileLimit = (%d, %v), output %q; want ok %v, output %q", status, ok, out.String(), tc.ok, tc.output)
			}
		})
	}
}
