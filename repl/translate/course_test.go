package translate

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netstar/netstar/repl/interp"
)

// courseFixtures are the course's code examples, in the course's order.
func courseFixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/course/*.py")
	if err != nil || len(files) < 8 {
		t.Fatalf("course fixtures: %v (%d files)", err, len(files))
	}
	sort.Strings(files)
	return files
}

func TestCourseTranslatesWithoutTODO(t *testing.T) {
	for _, f := range courseFixtures(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r := mustTranslate(t, f, string(src))
			if len(r.TODOs) > 0 {
				t.Errorf("TODOs: %v\n%s", r.TODOs, numbered(r.Code))
			}
			mustParse(t, r.Code)
		})
	}
}

// listeners opens n loopback listeners that accept and close
// connections; it returns their ports.
func listeners(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	for i := 0; i < n; i++ {
		var wg sync.WaitGroup
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
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
	}
	return ports
}

func joinPorts(ports []int) string {
	var s []string
	for _, p := range ports {
		s = append(s, strconv.Itoa(p))
	}
	return strings.Join(s, ",")
}

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/course", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func replaceOnce(t testing.TB, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("fixture lacks %q", old)
	}
	return strings.Replace(s, old, new, 1)
}

// compareRuns translates py, runs both versions, and compares stdout
// (line-sorted when sorted is set: thread output order varies).
func compareRuns(t *testing.T, py string, argv []string, stdin string, sorted bool) {
	t.Helper()
	r := mustTranslate(t, "fixture.py", py)
	if len(r.TODOs) > 0 {
		t.Fatalf("TODOs: %v", r.TODOs)
	}
	out, errOut, err := runNetstar(t, r.Code, argv, stdin)
	if err != nil {
		if _, ok := interp.ExitCode(err); !ok {
			t.Fatalf("netstar: %v\nstderr: %s\n%s", err, errOut, numbered(r.Code))
		}
	}
	pyOut, pyErr, _ := runPython(t, py, argv, stdin)
	if sorted {
		out, pyOut = sortLines(out), sortLines(pyOut)
	}
	if out != pyOut {
		t.Errorf("outputs differ\npython3:\n%s\nnetstar:\n%s\npython stderr: %s\nnetstar stderr: %s\n%s", pyOut, out, pyErr, errOut, numbered(r.Code))
	}
	if strings.TrimSpace(out) == "" && !strings.Contains(py, "dir(socket)") {
		t.Errorf("nothing printed")
	}
}

// sortLines sorts the messages of an output written by threads. Python's
// print writes the text and the newline separately, so two threads can
// interleave as "a[-] b\n\n": messages are split at their known starts.
func sortLines(s string) string {
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

func TestCourseAgainstPython(t *testing.T) {
	python3(t)
	closed := closedPort(t)
	open := listeners(t, 2)
	ports := []int{open[0], closed, open[1]}

	t.Run("01_socket_constructor", func(t *testing.T) {
		compareRuns(t, readFixture(t, "01_socket_constructor.py"), nil, "", false)
	})
	t.Run("02_recopilacion_informacion", func(t *testing.T) {
		t.Skip("needs the in-process DNS fixture (modules/socket/dnstest): python3 would ask the machine's resolver")
	})
	t.Run("03_connect_ex", func(t *testing.T) {
		py := replaceOnce(t, readFixture(t, "03_connect_ex.py"), "[22,23,80,912,135,445,20,631]", "["+joinPorts(ports)+"]")
		compareRuns(t, py, nil, "", false)
	})
	t.Run("04_comprobar_lista_puertos", func(t *testing.T) {
		py := replaceOnce(t, readFixture(t, "04_comprobar_lista_puertos.py"), "[80,8080,443,22]", "["+joinPorts(ports)+"]")
		compareRuns(t, py, nil, "", false)
	})
	t.Run("05_escaner_interactivo", func(t *testing.T) {
		p := listenerBetweenClosed(t)
		stdin := fmt.Sprintf("127.0.0.1\n%d\n%d\n", p-1, p+1)
		compareRuns(t, readFixture(t, "05_escaner_interactivo.py"), nil, stdin, false)
	})
	t.Run("06_escaner_dominio", func(t *testing.T) {
		hosts, _ := os.ReadFile("/etc/hosts")
		if !strings.Contains(string(hosts), "127.0.0.1") {
			t.Skip("needs 127.0.0.1 in /etc/hosts (gethostbyaddr must not ask a DNS server)")
		}
		compareRuns(t, readFixture(t, "06_escaner_dominio.py"), []string{"-H", "127.0.0.1", "-P", joinPorts(ports)}, "", true)
	})
	t.Run("07_servidor_http", func(t *testing.T) {
		testServer(t)
	})
	t.Run("08_test_servidor_http", func(t *testing.T) {
		port := rawHTTPServer(t)
		py := replaceOnce(t, readFixture(t, "08_test_servidor_http.py"), "8080", strconv.Itoa(port))
		compareRuns(t, py, nil, "", false)
	})
}

// rawHTTPServer answers every connection with a fixed HTTP response
// after reading the request head.
func rawHTTPServer(t testing.TB) int {
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

const testRequest = "GET / HTTP/1.1\r\nHost: test\r\n\r\n"

// httpClient sends testRequest to port (retrying while the server
// starts) and returns the whole response.
func httpClient(t testing.TB, port int, ready func(last bool) bool) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			defer c.Close()
			io.WriteString(c, testRequest)
			b, _ := io.ReadAll(c)
			return string(b)
		}
		last := time.Now().After(deadline)
		if (ready != nil && !ready(last)) || last {
			t.Fatalf("server on %d did not start: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor polls cond until it holds (or a generous deadline passes).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testServer runs the course's raw HTTP server under python3 and, from
// its translation, under netstar; one client request each; stdout and
// the response must match.
func testServer(t *testing.T) {
	port := closedPort(t)
	py := replaceOnce(t, readFixture(t, "07_servidor_http.py"), "8080", strconv.Itoa(port))
	r := mustTranslate(t, "07.py", py)
	if len(r.TODOs) > 0 {
		t.Fatalf("TODOs: %v", r.TODOs)
	}
	twice := func(s string) bool { return strings.Count(s, "Esperando conexiones...") >= 2 }

	// netstar
	var out, errb syncBuffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &errb, Argv: []string{"07.star"}})
	done := make(chan error, 1)
	go func() {
		th := s.NewThread("main")
		s.Lock()
		_, err := s.ExecFile(th, "07.star", []byte(r.Code))
		s.Unlock()
		done <- err
	}()
	running := func() bool {
		select {
		case err := <-done:
			done <- err
			return false
		default:
			return true
		}
	}
	nsResp := httpClient(t, port, func(last bool) bool {
		if last {
			t.Logf("netstar so far: %q %q", out.String(), errb.String())
		}
		if running() {
			return true
		}
		t.Logf("netstar server ended: %v\nstderr: %s\n%s", <-done, errb.String(), numbered(r.Code))
		return false
	})
	waitFor(t, "netstar's second prompt", func() bool { return twice(out.String()) })
	s.Close()
	<-done
	nsOut := out.String()

	// python3, on another port: the server closes first, so netstar's
	// port is in TIME_WAIT and python's bind (without SO_REUSEADDR)
	// would fail.
	port = closedPort(t)
	py = replaceOnce(t, readFixture(t, "07_servidor_http.py"), "8080", strconv.Itoa(port))
	dir := t.TempDir()
	file := filepath.Join(dir, "07.py")
	if err := os.WriteFile(file, []byte(py), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, python3(t), "-u", file)
	var pyOut, pyErr syncBuffer
	cmd.Stdout = &pyOut
	cmd.Stderr = &pyErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pyResp := httpClient(t, port, func(last bool) bool {
		if last {
			t.Logf("python3 stderr: %s", pyErr.String())
		}
		return true
	})
	waitFor(t, "python's second prompt", func() bool { return twice(pyOut.String()) })
	cancel()
	cmd.Wait()

	if nsOut != pyOut.String() {
		t.Errorf("stdout differs\npython3:\n%s\nnetstar:\n%s", pyOut.String(), nsOut)
	}
	if nsResp != pyResp || !strings.Contains(nsResp, "Hello World!") {
		t.Errorf("responses differ\npython3: %q\nnetstar: %q", pyResp, nsResp)
	}
}

// listenerBetweenClosed opens a listener on a port p whose neighbours
// p-1 and p+1 are bound and not listening, so that they stay closed
// (connects get RST) and no other socket of the machine can take them
// while the test scans p-1..p+1.
func listenerBetweenClosed(t testing.TB) int {
	t.Helper()
	for range 50 {
		p := listeners(t, 1)[0]
		if p <= 1 || p >= 65535 {
			continue
		}
		lo, errLo := bindOnly(p - 1)
		hi, errHi := bindOnly(p + 1)
		if errLo == nil && errHi == nil {
			t.Cleanup(func() { unix.Close(lo); unix.Close(hi) })
			return p
		}
		if errLo == nil {
			unix.Close(lo)
		}
		if errHi == nil {
			unix.Close(hi)
		}
	}
	t.Fatal("found no listener port with both neighbours free")
	return 0
}

// bindOnly binds a TCP socket to 127.0.0.1:port without listening.
func bindOnly(port int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}
