package kernelcmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestBadConnectionFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `"ip":"127.0.0.1","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5`
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"-f", filepath.Join(dir, "nope.json")}, "no such file or directory"},
		{"not JSON", []string{"-f", write("bad.json", "{not json")}, "invalid JSON"},
		{"no ip", []string{"-f", write("noip.json", `{"shell_port":1}`)}, `no "ip"`},
		{"bad port", []string{"-f", write("port.json", `{"ip":"127.0.0.1","shell_port":70000,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`)}, "shell_port 70000 is not a port"},
		{"bad transport", []string{"-f", write("tr.json", `{"transport":"udp",`+good+`}`)}, `transport "udp"`},
		{"bad scheme", []string{"-f", write("sch.json", `{"key":"k","signature_scheme":"hmac-md5",`+good+`}`)}, `signature_scheme "hmac-md5"`},
		{"no -f", nil, "usage: netstar kernel"},
		{"unknown flag", []string{"-x"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb strings.Builder
			if st := Main(tt.args, nil, &out, &errb); st != 2 {
				t.Errorf("status %d, want 2 (stderr %q)", st, errb.String())
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q does not say %q", errb.String(), tt.want)
			}
		})
	}
}

func TestInstallBadUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"install", "--user", "--prefix", "/tmp/x"}, "exclude each other"},
		{[]string{"install", "--name", "a/b"}, "use only letters"},
		{[]string{"uninstall", "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		var out, errb strings.Builder
		if st := Main(tt.args, nil, &out, &errb); st != 2 || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", tt.args, st, errb.String(), tt.want)
		}
	}
	t.Setenv("JUPYTER_DATA_DIR", t.TempDir())
	var out, errb strings.Builder
	if st := Main([]string{"uninstall", "--name", "absent"}, nil, &out, &errb); st != 1 || !strings.Contains(errb.String(), `no kernelspec "absent"`) {
		t.Errorf("uninstall of a missing spec: status %d, stderr %q", st, errb.String())
	}
}

// freePorts returns n free loopback TCP ports.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// writeConnectionFile writes a loopback connection file.
func writeConnectionFile(t testing.TB, dir string) string {
	t.Helper()
	p := freePorts(t, 5)
	ci := map[string]any{"transport": "tcp", "ip": "127.0.0.1", "shell_port": p[0], "control_port": p[1], "stdin_port": p[2], "iopub_port": p[3], "hb_port": p[4], "key": "secret", "signature_scheme": "hmac-sha256"}
	b, _ := json.Marshal(ci)
	path := filepath.Join(dir, "conn.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExitsWithParent starts the kernel from a shell, kills the shell and
// checks that the kernel does not stay behind as an orphan.
func TestExitsWithParent(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("needs sh")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	conn := writeConnectionFile(t, t.TempDir())
	cmd := exec.Command(sh, "-c", `"$0" kernel -f "$1" 2>/dev/null & echo $!; wait`, exe, conn)
	cmd.Env = append(os.Environ(), "NETSTAR_KERNELCMD_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the kernel's pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	time.Sleep(700 * time.Millisecond) // let the kernel start and note its parent
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("kernel %d is not running: %v", pid, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("kernel %d still runs 10 s after its parent died", pid)
}

// alive reports whether pid runs and is not a zombie.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}
