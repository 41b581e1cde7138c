// Package scripts_test runs every lesson in scripts/ against local
// fixtures (loopback listeners, piped input) and checks what it prints,
// so a lesson can never silently break.
package scripts_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"github.com/netstar/netstar/modules/socket/resolve"
	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
)

// lesson runs scripts/name with argv and input lines fed to input(), and
// returns what it printed on stdout and stderr. ctx cancels it as Ctrl-C
// would.
func lesson(t *testing.T, ctx context.Context, name string, args []string, input ...string) (string, string, error) {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	lines := append([]string(nil), input...)
	var mu sync.Mutex
	s := interp.New(interp.Config{
		Stdout: &stdout,
		Stderr: &stderr,
		Argv:   append([]string{name}, args...),
		Input: func(prompt string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			io.WriteString(&stdout, prompt)
			if len(lines) == 0 {
				return "", io.EOF
			}
			l := lines[0]
			lines = lines[1:]
			return l, nil
		},
	})
	defer s.Close()
	th := s.NewThread("main")
	interp.SetContext(th, ctx)
	s.Lock()
	_, err = s.ExecFile(th, filepath.Base(name), src)
	s.Unlock()
	if err == nil {
		err = s.Wait(ctx)
	}
	if code, ok := interp.ExitCode(err); ok && code == 0 {
		err = nil
	}
	return stdout.String(), stderr.String(), err
}

// syncBuffer is interptest.Buffer under its old name.
type syncBuffer = interptest.Buffer

// listen opens n TCP listeners on 127.0.0.1 that accept and hold
// connections, and returns their ports.
func listen(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// closedPort returns a port on 127.0.0.1 with no listener.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

// useDNS starts an in-process DNS server that knows no names (NXDOMAIN
// until the test adds records) and sends every lookup of the socket
// module to it until t ends, so a lesson that resolves a name never asks
// the system's resolver. Tests that use it must not run in parallel: the
// resolver is the process's, not the session's.
func useDNS(t *testing.T) *dnstest.Server {
	t.Helper()
	srv := dnstest.NewServer()
	if err := resolve.SetServer(srv.Addr); err != nil {
		srv.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		resolve.SetServer("")
		srv.Close()
	})
	return srv
}

func mustRun(t *testing.T, name string, args []string, input ...string) string {
	t.Helper()
	out, errOut, err := lesson(t, context.Background(), name, args, input...)
	if err != nil {
		t.Fatalf("%s failed: %v\nstdout:\n%s\nstderr:\n%s", name, interp.FormatError(err), out, errOut)
	}
	return out
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q; got:\n%s", w, out)
		}
	}
}

func TestLesson01Constructor(t *testing.T) {
	out := mustRun(t, "01_socket_constructor.star", nil)
	wantLines(t, out,
		"['gethostbyaddr', 'gethostbyname', 'gethostbyname_ex']",
		"Familia: 2 (AF_INET = 2 )",
		"Tipo: 1 (SOCK_STREAM = 1 )",
		"Protocolo: 0",
		"UDP: True",
		"gethostbyname(",
	)
}

func TestLesson02Information(t *testing.T) {
	out := mustRun(t, "02_recopilacion_informacion.star", []string{"localhost", "127.0.0.1"})
	wantLines(t, out,
		"gethostbyname('localhost') = '127.0.0.1'",
		"gethostbyname_ex('localhost') = ('localhost', [], ['127.0.0.1'])",
		"getfqdn('localhost') = 'localhost'",
		"gethostbyaddr('127.0.0.1') = ('localhost', ",
		"getservbyname('http') = 80",
		"getservbyname('smtp', 'tcp') = 25",
		"getservbyport(80) = 'http'",
		"getservbyport(23) = 'telnet'",
	)
}

func TestLesson03ConnectEx(t *testing.T) {
	open := listen(t, 2)
	closed := closedPort(t)
	spec := fmt.Sprintf("%d,%d,%d", open[0], closed, open[1])
	for _, name := range []string{"03_connect_ex.star", "03b_connect_ex_con_scan.star"} {
		t.Run(name, func(t *testing.T) {
			out := mustRun(t, name, []string{"127.0.0.1", spec})
			if name == "03_connect_ex.star" {
				want := fmt.Sprintf("%d : 0\n%d : 111\n%d : 0\n", open[0], closed, open[1])
				if out != want {
					t.Errorf("got:\n%s\nwant:\n%s", out, want)
				}
				return
			}
			wantLines(t, out,
				fmt.Sprintf("%d : open", open[0]),
				fmt.Sprintf("%d : open", open[1]),
				fmt.Sprintf("%d : closed (ECONNREFUSED)", closed),
			)
		})
	}
}

func TestLesson04ListaPuertos(t *testing.T) {
	open := listen(t, 1)
	closed := closedPort(t)
	spec := fmt.Sprintf("%d,%d", open[0], closed)
	for _, name := range []string{"04_comprobar_lista_puertos.star", "04b_lista_puertos_con_scan.star"} {
		t.Run(name, func(t *testing.T) {
			out := mustRun(t, name, []string{"localhost", spec})
			wantLines(t, out,
				fmt.Sprintf("Puerto %d: \t Abierto", open[0]),
				fmt.Sprintf("Puerto %d: \t Cerrado", closed),
			)
		})
	}
}

// TestLesson04UnknownHost gives the lesson a name the in-process DNS
// server does not know: NXDOMAIN, so connect_ex raises gaierror -2 and
// the lesson's except branch prints it. The system resolver is never
// asked.
func TestLesson04UnknownHost(t *testing.T) {
	srv := useDNS(t)
	out, _, err := lesson(t, context.Background(), "04_comprobar_lista_puertos.star", []string{"no-such-host.invalid", "80"})
	if err != nil {
		t.Fatalf("lesson failed: %v", err)
	}
	wantLines(t, out, "Error de conexion", "[Errno -2] Name or service not known")
	if srv.Queries() == 0 {
		t.Error("the lesson's lookup did not reach the test's DNS server")
	}
}

func TestLesson05Interactive(t *testing.T) {
	open := listen(t, 1)
	p := open[0]
	for _, name := range []string{"05_escaner_interactivo.star", "05b_escaner_interactivo_con_scan.star"} {
		t.Run(name, func(t *testing.T) {
			out := mustRun(t, name, nil, "127.0.0.1", strconv.Itoa(p-1), strconv.Itoa(p+1))
			wantLines(t, out,
				"Introduce IP : Introduce puerto de inicio : Introduce puerto de fin : Escaneando IP 127.0.0.1 : ",
				fmt.Sprintf("El puerto  %d está abierto", p),
				"Escaneo finalizado!",
			)
			if name == "05_escaner_interactivo.star" {
				wantLines(t, out, fmt.Sprintf("Probando puerto %d ...", p-1), fmt.Sprintf("Probando puerto %d ...", p+1))
			}
		})
	}
}

func TestLesson06DomainScanner(t *testing.T) {
	open := listen(t, 1)
	closed := closedPort(t)
	args := []string{"-H", "127.0.0.1", "-P", fmt.Sprintf("%d,%d", open[0], closed)}
	out := mustRun(t, "06_escaner_dominio.star", args)
	wantLines(t, out,
		"[+] Scan Results for: localhost",
		fmt.Sprintf("[+] %d/tcp open", open[0]),
		fmt.Sprintf("[-] %d/tcp closed", closed),
		"[Errno 111] Connection refused",
	)
	out = mustRun(t, "06b_escaner_dominio_con_scan.star", args)
	wantLines(t, out,
		"[+] Scan Results for: ",
		fmt.Sprintf("[+] %d/tcp open", open[0]),
		fmt.Sprintf("[-] %d/tcp closed (ECONNREFUSED)", closed),
	)
	// Without options both print the usage, as the course's script does.
	for _, name := range []string{"06_escaner_dominio.star", "06b_escaner_dominio_con_scan.star"} {
		out = mustRun(t, name, nil)
		wantLines(t, out, "socket_portScan -H <Host> -P <Port>")
	}
}

// TestLesson07And08 runs the raw-socket server for one request and the
// test client against it, then the serve_http server with the http
// client.
func TestLesson07And08(t *testing.T) {
	port := strconv.Itoa(closedPort(t))
	done := make(chan string, 1)
	go func() {
		// Two requests: waitListening's probe connection, then the client.
		out, errOut, err := lesson(t, context.Background(), "07_servidor_http.star", []string{port, "2"})
		if err != nil {
			out += "\nERROR: " + err.Error() + "\n" + errOut
		}
		done <- out
	}()
	waitListening(t, port)
	client := mustRun(t, "08_test_servidor_http.star", []string{port})
	wantLines(t, client, "Respuesta del servidor:", "HTTP/1.1 200 OK", "<h1>Hello World!</h1>")
	select {
	case server := <-done:
		wantLines(t, server, "Esperando conexiones...", "Petición HTTP recibida:", "b'GET / HTTP/1.1\\r\\nHost: localhost")
	case <-time.After(30 * time.Second):
		t.Fatal("the lesson 7 server did not finish after two requests")
	}

	port = strconv.Itoa(closedPort(t))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() {
		_, _, err := lesson(t, ctx, "07b_servidor_http_con_serve_http.star", []string{port})
		served <- err
	}()
	waitListening(t, port)
	for _, name := range []string{"08b_test_servidor_http_con_http.star", "08_test_servidor_http.star"} {
		out := mustRun(t, name, []string{port})
		wantLines(t, out, "<h1>Hello World!</h1>")
	}
	cancel() // Ctrl-C
	select {
	case <-served:
	case <-time.After(30 * time.Second):
		t.Fatal("serve_http did not stop on cancellation")
	}
}

func waitListening(t *testing.T, port string) {
	t.Helper()
	for i := 0; i < 500; i++ {
		c, err := net.Dial("tcp4", "127.0.0.1:"+port)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on port %s", port)
}

// TestEveryLessonIsTested keeps this file in step with scripts/.
func TestEveryLessonIsTested(t *testing.T) {
	src, err := os.ReadFile("lessons_test.go")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.star")
	sort.Strings(files)
	if len(files) < 15 {
		t.Errorf("found %d lessons, want at least 15", len(files))
	}
	for _, f := range files {
		if !bytes.Contains(src, []byte(`"`+f+`"`)) {
			t.Errorf("lesson %s is not run by any test", f)
		}
	}
}

// TestLesson02bBulk resolves names against the in-process DNS server.
func TestLesson02bBulk(t *testing.T) {
	srv := useDNS(t)
	srv.AddA("www.lab.test", "127.0.0.10")
	srv.AddPTR("127.0.0.10", "www.lab.test")
	out := mustRun(t, "02b_resolucion_masiva.star", []string{"www.lab.test", "missing.lab.test"})
	wantLines(t, out,
		"www.lab.test -> ['127.0.0.10']",
		"missing.lab.test -> [Errno -2] Name or service not known",
		"127.0.0.10 -> ['www.lab.test']",
	)
}
