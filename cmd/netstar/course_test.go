package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"golang.org/x/sys/unix"
)

// The course's Python examples run with `netstar FILE.py` as written and
// print what python3 prints for the same file: both commands run on the
// same .py, with the same arguments and standard input, against the same
// loopback listeners. netstar's lookups go to an in-process DNS server
// (NETSTAR_RESOLVER); python3's cannot be redirected, so the files only
// use localhost and 127.0.0.1, which /etc/hosts answers.

const courseDir = "../../repl/translate/testdata/course"

// python3Path returns python3, or skips the test.
func python3Path(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare outputs (.ci/run installs it)")
	}
	return p
}

// needHosts skips the test unless /etc/hosts answers localhost and
// 127.0.0.1, so that python3 never asks a DNS server.
func needHosts(t testing.TB) {
	t.Helper()
	b, _ := os.ReadFile("/etc/hosts")
	if !regexp.MustCompile(`(?m)^127\.0\.0\.1\s+.*\blocalhost\b`).Match(b) {
		t.Skip("needs '127.0.0.1 localhost' in /etc/hosts (python3's lookups must not reach a DNS server)")
	}
}

// courseRun is one run of a command on a course file.
type courseRun struct {
	stdout, stderr string
	status         int
}

// runCommand runs name with args in dir, with stdin and env added to the
// environment, and returns what it printed and its exit status.
func runCommand(t testing.TB, dir, stdin string, env []string, name string, args ...string) courseRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // bounds a hang
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return courseRun{out.String(), errb.String(), status}
}

// resolverEnv starts an in-process DNS server that knows localhost and
// returns the environment that points netstar at it.
func resolverEnv(t testing.TB) []string {
	t.Helper()
	dns := dnstest.NewServer()
	t.Cleanup(dns.Close)
	dns.AddA("localhost", "127.0.0.1")
	dns.AddPTR("127.0.0.1", "localhost")
	return []string{"NETSTAR_RESOLVER=" + dns.Addr, "NO_PROGRESS=1"}
}

// comparePython writes src to dir/name, runs `netstar name args...` and
// `python3 name args...` on it, and compares stdout and the exit status
// (stdout line-sorted when sorted is set: threads print in any order).
func comparePython(t *testing.T, name, src string, args []string, stdin string, sorted bool) courseRun {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	argv := append([]string{name}, args...)
	ns := runCommand(t, dir, stdin, resolverEnv(t), netstarBinary(t), argv...)
	py := runCommand(t, dir, stdin, []string{"PYTHONIOENCODING=utf-8", "PYTHONDONTWRITEBYTECODE=1"}, python3Path(t), argv...)
	nsOut, pyOut := ns.stdout, py.stdout
	if sorted {
		nsOut, pyOut = sortMessages(nsOut), sortMessages(pyOut)
	}
	if nsOut != pyOut || ns.status != py.status {
		t.Errorf("netstar %s differs from python3\npython3 (status %d):\n%s\nnetstar (status %d):\n%s\npython3 stderr:\n%s\nnetstar stderr:\n%s",
			strings.Join(argv, " "), py.status, pyOut, ns.status, nsOut, py.stderr, ns.stderr)
	}
	return ns
}

// sortMessages sorts the messages of an output written by threads.
// Python's print writes the text and the newline separately, so two
// threads can interleave as "a[-] b\n\n": messages are split at their
// known starts.
func sortMessages(s string) string {
	s = strings.NewReplacer("[+] ", "\n[+] ", "[-] ", "\n[-] ", "[Errno ", "\n[Errno ").Replace(s)
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func readCourse(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(courseDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustReplace(t testing.TB, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("course file lacks %q", old)
	}
	return strings.Replace(s, old, new, 1)
}

// acceptors opens n loopback listeners that accept and close
// connections and returns their ports.
func acceptors(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		t.Cleanup(func() { ln.Close(); wg.Wait() })
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// boundPort binds a TCP socket to 127.0.0.1:port (0: any) without
// listening, so the port stays closed (a connect gets RST) and no other
// socket takes it during the test. It returns the port.
func boundPort(t testing.TB, port int) (int, error) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		unix.Close(fd)
		return 0, err
	}
	t.Cleanup(func() { unix.Close(fd) })
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return sa.(*unix.SockaddrInet4).Port, nil
}

// closedPort returns a port that stays closed during the test.
func closedPort(t testing.TB) int {
	t.Helper()
	p, err := boundPort(t, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// openBetweenClosed returns a listening port p whose neighbours p-1 and
// p+1 stay closed, for the course's scanner of a port range.
func openBetweenClosed(t testing.TB) int {
	t.Helper()
	for range 50 {
		p := acceptors(t, 1)[0]
		if p <= 1 || p >= 65535 {
			continue
		}
		if _, err := boundPort(t, p-1); err != nil {
			continue
		}
		if _, err := boundPort(t, p+1); err == nil {
			return p
		}
	}
	t.Fatal("found no listening port with both neighbours free")
	return 0
}

func joinInts(ports []int) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

func TestCoursePythonFiles(t *testing.T) {
	python3Path(t)
	needHosts(t)
	open := acceptors(t, 2)
	ports := []int{open[0], closedPort(t), open[1]}

	t.Run("01_socket_constructor", func(t *testing.T) {
		comparePython(t, "01.py", readCourse(t, "01_socket_constructor.py"), nil, "", false)
	})
	t.Run("02_recopilacion_informacion", func(t *testing.T) {
		comparePython(t, "02.py", readCourse(t, "02_recopilacion_informacion.py"), nil, "", false)
	})
	t.Run("03_connect_ex", func(t *testing.T) {
		src := mustReplace(t, readCourse(t, "03_connect_ex.py"), "[22,23,80,912,135,445,20,631]", "["+joinInts(ports)+"]")
		comparePython(t, "03.py", src, nil, "", false)
	})
	t.Run("04_comprobar_lista_puertos", func(t *testing.T) {
		src := mustReplace(t, readCourse(t, "04_comprobar_lista_puertos.py"), "[80,8080,443,22]", "["+joinInts(ports)+"]")
		comparePython(t, "04.py", src, nil, "", false)
	})
	t.Run("05_escaner_interactivo", func(t *testing.T) {
		p := openBetweenClosed(t)
		stdin := fmt.Sprintf("127.0.0.1\n%d\n%d\n", p-1, p+1)
		ns := comparePython(t, "05.py", readCourse(t, "05_escaner_interactivo.py"), nil, stdin, false)
		if !strings.Contains(ns.stdout, fmt.Sprintf("El puerto  %d está abierto", p)) {
			t.Errorf("the open port was not found:\n%s", ns.stdout)
		}
	})
	// The course's optparse+threading socket_portScan.py, byte for byte
	// as the course text shows it.
	t.Run("06_escaner_dominio", func(t *testing.T) {
		src := readCourse(t, "06_escaner_dominio.py")
		ns := comparePython(t, "socket_portScan.py", src, []string{"-H", "127.0.0.1", "-P", joinInts(ports)}, "", true)
		if strings.Count(ns.stdout, "/tcp open") != 2 || strings.Count(ns.stdout, "/tcp closed") != 1 {
			t.Errorf("want 2 open and 1 closed:\n%s", ns.stdout)
		}
		// -H by name goes through the resolver.
		comparePython(t, "socket_portScan.py", src, []string{"-H", "localhost", "-P", joinInts(ports)}, "", true)
		// Without -H and -P it prints its usage, as in Python.
		comparePython(t, "socket_portScan.py", src, nil, "", false)
	})
	t.Run("07_servidor_http", func(t *testing.T) {
		compareServer(t, readCourse(t, "07_servidor_http.py"))
	})
	t.Run("08_test_servidor_http", func(t *testing.T) {
		port := fixedResponder(t)
		src := mustReplace(t, readCourse(t, "08_test_servidor_http.py"), "8080", strconv.Itoa(port))
		ns := comparePython(t, "08.py", src, nil, "", false)
		if !strings.Contains(ns.stdout, "<h1>Hola</h1>") {
			t.Errorf("no response printed:\n%s", ns.stdout)
		}
	})
}

// fixedResponder answers every connection with a fixed HTTP response
// after reading the request head; it returns its port.
func fixedResponder(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			for {
				l, err := br.ReadString('\n')
				if err != nil || l == "\r\n" {
					break
				}
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<h1>Hola</h1>\r\n")
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().(*net.TCPAddr).Port
}

// lockedBuffer is a bytes.Buffer written by a command and read by the
// test at the same time.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveOnce runs the course's HTTP server (src, on a free port) under
// the command name args..., sends it one request, waits for it to wait
// for the next one, stops it, and returns its stdout and the response.
func serveOnce(t *testing.T, src string, name string, args ...string) (stdout, response string) {
	t.Helper()
	port := closedPortFree(t)
	dir := t.TempDir()
	src = mustReplace(t, src, "8080", strconv.Itoa(port))
	if err := os.WriteFile(filepath.Join(dir, "07.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, name, append(args, "07.py")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), resolverEnv(t)...)
	var out, errb lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()      // a second Wait only returns an error
	deadline := time.Now().Add(30 * time.Second) // bounds a hang
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
			b, _ := io.ReadAll(c)
			c.Close()
			response = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start serving: %v\nstderr: %s", name, err, errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for strings.Count(out.String(), "Esperando conexiones...") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not wait for a second connection; stdout: %s\nstderr: %s", name, out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	cmd.Wait()
	return out.String(), response
}

// closedPortFree returns a port that was free a moment ago, for a
// server under test to bind.
func closedPortFree(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// compareServer runs the course's HTTP server under netstar and python3
// (each on its own port: the first leaves its port in TIME_WAIT) and
// compares what they print and answer.
func compareServer(t *testing.T, src string) {
	nsOut, nsResp := serveOnce(t, src, netstarBinary(t))
	pyOut, pyResp := serveOnce(t, src, python3Path(t), "-u")
	if nsOut != pyOut {
		t.Errorf("stdout differs\npython3:\n%s\nnetstar:\n%s", pyOut, nsOut)
	}
	if nsResp != pyResp || !strings.Contains(nsResp, "Hello World!") {
		t.Errorf("responses differ\npython3: %q\nnetstar: %q", pyResp, nsResp)
	}
}
