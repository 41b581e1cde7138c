package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// The REPL is tested through a real pseudo-terminal: a netstar binary
// built from this package, driven by typing into the pty.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func netstarBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "netstar-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "netstar")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building netstar: %v\n%s", buildErr, binPath)
	}
	return binPath
}

// ptyREPL is a netstar REPL running on a pseudo-terminal.
type ptyREPL struct {
	t    *testing.T
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	read int // offset up to which expect has consumed out
	done chan struct{}
}

// startREPL starts the REPL on a pty with the process's environment and
// env. The locale is cleared first (no LC_ALL, LC_MESSAGES or LANG: the
// default, English), so that the machine's own does not leak in; env may
// set one.
func startREPL(t *testing.T, env ...string) *ptyREPL {
	t.Helper()
	cmd := exec.Command(netstarBinary(t))
	cmd.Env = append(append(os.Environ(), "LC_ALL=", "LC_MESSAGES=", "LANG="), env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatalf("starting netstar on a pty: %v", err)
	}
	tm := &ptyREPL{t: t, cmd: cmd, pty: f, done: make(chan struct{})}
	go func() {
		defer close(tm.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.out.Write(buf[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
		<-tm.done
	})
	tm.expect(`>>> `)
	return tm
}

func (tm *ptyREPL) send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.pty, s); err != nil {
		tm.t.Fatalf("writing to pty: %v", err)
	}
}

// expect waits until the output after the last match contains pattern
// and consumes it. The generous deadline only bounds a hang; it is not a
// speed assertion.
func (tm *ptyREPL) expect(pattern string) string {
	tm.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		tm.mu.Lock()
		rest := tm.out.String()[tm.read:]
		if loc := re.FindStringIndex(rest); loc != nil {
			tm.read += loc[1]
			tm.mu.Unlock()
			return rest[:loc[1]]
		}
		tm.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.t.Fatalf("timed out waiting for %q; output so far:\n%s", pattern, strings.ReplaceAll(tm.out.String()[tm.read:], "\r", ""))
	return ""
}

// wait waits for the process to exit and returns its status.
func (tm *ptyREPL) wait() int {
	tm.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- tm.cmd.Wait() }()
	select {
	case err := <-errc:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			tm.t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(20 * time.Second):
		tm.t.Fatal("netstar did not exit")
		return -1
	}
}

func history(t *testing.T) string {
	return "NETSTAR_HISTORY=" + filepath.Join(t.TempDir(), "history")
}

func TestREPLEchoAndBlocks(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("x = 41\r")
	tm.expect(`>>> `)
	tm.send("x + 1\r")
	tm.expect(`42`)
	tm.send("'ho' + 'la'\r")
	tm.expect(`'hola'`)
	tm.send("def double(a):\r")
	tm.expect(`\.\.\. `)
	tm.send("    return a * 2\r")
	tm.expect(`\.\.\. `)
	tm.send("\r")
	tm.expect(`>>> `)
	tm.send("double(21)\r")
	tm.expect(`42`)
	// An error never ends the session.
	tm.send("nope\r")
	tm.expect(`undefined: nope`)
	tm.send("1 // 0\r")
	tm.expect(`division or modulo by zero`)
	tm.send("x\r")
	tm.expect(`41`)
	tm.send("\x04") // Ctrl-D
	if status := tm.wait(); status != 0 {
		t.Errorf("exit status after Ctrl-D = %d, want 0", status)
	}
}

func TestREPLPasteKeepsBlankLinesInsideBlocks(t *testing.T) {
	tm := startREPL(t, history(t))
	// A function with a blank line inside, then a call, pasted at once
	// with bracketed-paste markers as a terminal sends it.
	tm.send("\x1b[200~def f():\r    a = 20\r\r    return a + 1\r\rprint('got', f() * 2)\r\x1b[201~")
	tm.send("\r")
	tm.expect(`got 42`)
	// The same without paste markers: several lines in one write.
	tm.send("def g():\n    b = 1\n\n    return b + 2\nprint('g', g())\n")
	tm.expect(`g 3`)
	tm.send("f() + g()\r")
	tm.expect(`24`)
}

func TestREPLTabCompletion(t *testing.T) {
	tm := startREPL(t, history(t))
	// A unique completion is inserted without a trailing space:
	// "sys.platfo<Tab>X" must read sys.platformX.
	tm.send("sys.platfo\t")
	tm.expect(`sys\.platform`)
	tm.send("X\r")
	tm.expect(`has no \.platformX field`)
	// Globals complete too.
	tm.send("unique_name_123 = 5\r")
	tm.send("unique_name_123 * 2\r")
	tm.expect(`(^|[^0-9])10\r?\n`)
	tm.send("unique_na\t")
	tm.expect(`unique_name_123`)
	tm.send(" + 1\r")
	tm.expect(`6`)
}

func TestREPLCtrlCStopsLoop(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("kept = 'still here'\r")
	tm.expect(`>>> `)
	tm.send("n = 0\r")
	tm.expect(`>>> `)
	tm.send("while True:\r")
	tm.send("    n += 1\r")
	tm.send("\r")
	// Let the loop run, then interrupt it.
	time.Sleep(300 * time.Millisecond)
	tm.send("\x03")
	tm.expect(`KeyboardInterrupt`)
	tm.expect(`>>> `)
	tm.send("kept, n > 0\r")
	tm.expect(`\('still here', True\)`)
	// Ctrl-C at the prompt clears the line.
	tm.send("half typed")
	tm.send("\x03")
	tm.expect(`>>> `)
	tm.send("1 + 1\r")
	tm.expect(`2`)
	// A blocking builtin is interrupted as well.
	tm.send("time.sleep(100)\r")
	time.Sleep(200 * time.Millisecond)
	tm.send("\x03")
	tm.expect(`KeyboardInterrupt`)
	tm.send("kept\r")
	tm.expect(`'still here'`)
}

func TestREPLHistoryAcrossRuns(t *testing.T) {
	env := history(t)
	tm := startREPL(t, env)
	tm.send("def h():\r    return 'from history'\r\r")
	tm.expect(`>>> `)
	tm.send("h()\r")
	tm.expect(`'from history'`)
	tm.send("exit(0)\r")
	if status := tm.wait(); status != 0 {
		t.Fatalf("exit(0) status = %d", status)
	}

	tm = startREPL(t, env)
	// Up three times (exit(0), h(), the definition) recalls the
	// two-line definition as one entry.
	tm.send("\x1b[A\x1b[A\x1b[A\r")
	tm.expect(`>>> `)
	tm.send("h()\r")
	tm.expect(`'from history'`)
}

func TestREPLExitStatus(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("exit(5)\r")
	if status := tm.wait(); status != 5 {
		t.Errorf("exit(5) status = %d, want 5", status)
	}
}

func TestREPLInput(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("name = input('Introduce IP : ')\r")
	tm.expect(`Introduce IP : `)
	tm.send("127.0.0.1\r")
	tm.expect(`>>> `)
	tm.send("name\r")
	tm.expect(`'127\.0\.0\.1'`)
}

func TestREPLSIGTERMExits(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("x = 1\r")
	tm.expect(`>>> `)
	tm.cmd.Process.Signal(syscall.SIGTERM)
	if status := tm.wait(); status != 143 {
		t.Errorf("status after SIGTERM at the prompt = %d, want 143", status)
	}
}

func TestREPLSIGTERMWhileRunning(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("while True:\r    pass\r\r")
	time.Sleep(200 * time.Millisecond)
	tm.cmd.Process.Signal(syscall.SIGTERM)
	if status := tm.wait(); status != 143 {
		t.Errorf("status after SIGTERM during a loop = %d, want 143", status)
	}
}

// TestREPLBackgroundOutputAbovePrompt prints from a thread while the
// user is typing: the output appears and the half-typed line survives.
func TestREPLBackgroundOutputAbovePrompt(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("import threading, time\r")
	tm.expect(`>>> `)
	tm.send("def later():\r    time.sleep(0.5)\r    print('from thread')\r\r")
	tm.expect(`>>> `)
	tm.send("threading.Thread(target=later).start()\r")
	tm.expect(`>>> `)
	tm.send("abc")
	tm.expect(`from thread`)
	// The prompt and the typed text are drawn again below the output.
	tm.expect(`>>> abc`)
	tm.send("def = 1\r")
	tm.expect(`>>> `)
	tm.send("abcdef + 1\r")
	tm.expect(`(^|[^0-9])2\r?\n`)
}

// translatedNote matches the REPL's note, in English, that it
// translated and ran Python input.
const translatedNote = `\(Python translated to netstar and run\)`

// TestREPLRunsPython types Python that netstar does not run as it is: it
// runs without a question, after a dim one-line note, and the line typed
// next is never taken as an answer.
func TestREPLRunsPython(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("x = 7\r")
	tm.send("x * 3\r")
	tm.expect(`21`)
	tm.send("print(f\"x vale {x}\")\r")
	tm.expect("\x1b\\[2m" + translatedNote + "\x1b\\[0m")
	tm.expect(`x vale 7`)
	// A typed try: block, and the next line typed at once after it.
	tm.send("try:\r")
	tm.expect(`\.\.\. `)
	tm.send("    y = 1 // 0\r")
	tm.send("except ZeroDivisionError as e:\r")
	tm.send("    print('cazado')\r")
	tm.send("\r" + "z = 'no me comas'\r")
	tm.expect(translatedNote)
	tm.expect(`cazado`)
	tm.send("z\r")
	tm.expect(`'no me comas'`)
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if out := tm.out.String(); strings.Contains(out, "[Y/n]") || strings.Contains(out, "undefined: z") {
		t.Errorf("the REPL asked a question or lost the next line:\n%s", strings.ReplaceAll(out, "\r", ""))
	}
}

// TestREPLRunsPythonNoColor: with NO_COLOR the note has no colour.
func TestREPLRunsPythonNoColor(t *testing.T) {
	tm := startREPL(t, history(t), "NO_COLOR=1")
	tm.send("print(f\"{6 * 7}\")\r")
	tm.expect(translatedNote)
	tm.expect(`42`)
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if strings.Contains(tm.out.String(), "\x1b[2m") {
		t.Error("NO_COLOR is set, but the note is dim")
	}
}

// TestREPLSpacesContinueBlock types the course's interactive scanner
// line by line, its lines of spaces included: as in Python 3.11's REPL
// they continue the for block instead of ending it.
func TestREPLSpacesContinueBlock(t *testing.T) {
	port := openBetweenClosed(t)
	src, err := os.ReadFile(filepath.Join(courseDir, "05_escaner_interactivo.py"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "\n    \n") {
		t.Fatal("the course's scanner has no line of spaces inside its loop any more")
	}
	answers := []string{"127.0.0.1", strconv.Itoa(port - 1), strconv.Itoa(port + 1)}
	tm := startREPL(t, history(t))
	for _, line := range strings.Split(string(src), "\n") {
		tm.send(line + "\r")
		if strings.Contains(line, "input(") {
			tm.expect(`Introduce [^\n]*: `)
			tm.send(answers[0] + "\r")
			answers = answers[1:]
		}
	}
	tm.send("\r")
	tm.expect(fmt.Sprintf(`Probando puerto %d \.\.\.`, port+1))
	tm.expect(`Escaneo finalizado!`)
	tm.send("'fin'\r")
	tm.expect(`'fin'`)
	tm.mu.Lock()
	defer tm.mu.Unlock()
	out := tm.out.String()
	if !strings.Contains(out, fmt.Sprintf("El puerto  %d está abierto", port)) {
		t.Errorf("the open port was not found:\n%s", strings.ReplaceAll(out, "\r", ""))
	}
	if strings.Contains(out, "syntax error") || strings.Contains(out, "undefined") {
		t.Errorf("typing the scanner failed:\n%s", strings.ReplaceAll(out, "\r", ""))
	}
}

// TestREPLSpacesInsideDef: a line of spaces inside a def, typed, does
// not end it; the def's last line still belongs to it.
func TestREPLSpacesInsideDef(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("def f(a):\r")
	tm.send("    b = a + 1\r")
	tm.send("    \r")
	tm.expect(`\.\.\. `)
	tm.send("    return b * 2\r")
	tm.send("\r")
	tm.send("f(20)\r")
	tm.expect(`42`)
}

// TestREPLServerLogAbovePrompt runs serve_http in the background and
// requests a page while the user is typing: the access log line appears
// above the prompt and the typed text is kept.
func TestREPLServerLogAbovePrompt(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("srv = socket.serve_http(port=0, handler=lambda req: 'hola', background=True)\r")
	tm.send("print('PORT', srv.port)\r")
	port := regexp.MustCompile(`PORT (\d+)`).FindStringSubmatch(tm.expect(`PORT \d+\r?\n`))[1]
	tm.send("abc")
	tm.expect(`>>> abc`)
	resp, err := http.Get("http://127.0.0.1:" + port + "/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hola" {
		t.Errorf("body %q", body)
	}
	tm.expect(`"GET /x HTTP/1\.1" 200 -`)
	tm.expect(`>>> abc`)
	tm.send("def = 2\r")
	tm.expect(`>>> `)
	tm.send("abcdef * 21\r")
	tm.expect(`(^|[^0-9])42\r?\n`)
	tm.send("srv.stop()\r")
	tm.send("srv.running\r")
	tm.expect(`False`)
}

// TestREPLCtrlCInterruptsAccept interrupts a blocking accept() and a
// recv() with Ctrl-C; the session and its sockets stay usable.
func TestREPLCtrlCInterruptsAccept(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\r")
	tm.send("s.bind(('127.0.0.1', 0))\r")
	tm.send("s.listen(1)\r")
	tm.send("'listening'\r")
	tm.expect(`'listening'`)
	tm.send("s.accept()\r")
	time.Sleep(300 * time.Millisecond)
	tm.send("\x03")
	tm.expect(`KeyboardInterrupt`)
	tm.send("c = socket.create_connection(s.getsockname())\r")
	tm.send("conn, addr = s.accept()\r")
	tm.send("conn.recv(10)\r")
	time.Sleep(300 * time.Millisecond)
	tm.send("\x03")
	tm.expect(`KeyboardInterrupt`)
	tm.send("c.send(b'hola')\r")
	tm.expect(`(^|[^0-9])4\r?\n`)
	tm.send("conn.recv(10)\r")
	tm.expect(`b'hola'`)
}

// TestREPLNestedBlocks types and pastes blocks inside blocks, as the
// course's functions have them.
func TestREPLNestedBlocks(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("def g():\r")
	tm.expect(`\.\.\. `)
	tm.send("    for i in range(2):\r")
	tm.expect(`\.\.\. `)
	tm.send("        if i == 1:\r")
	tm.expect(`\.\.\. `)
	tm.send("            print('i vale', i)\r")
	tm.send("\r")
	tm.send("g()\r")
	tm.expect(`i vale 1`)
	// The course's comprobarListaPuertos, pasted whole.
	src, err := os.ReadFile("../../scripts/04_comprobar_lista_puertos.star")
	if err != nil {
		t.Fatal(err)
	}
	body := strings.ReplaceAll(string(src), "\n", "\r")
	tm.send("\x1b[200~" + body + "\x1b[201~")
	tm.send("\r")
	tm.expect(`Puerto 22: \t Cerrado`)
	tm.send("'still alive'\r")
	tm.expect(`'still alive'`)
}

// TestREPLPastedPythonBlock pastes a Python function with an f-string
// inside: the whole function is translated and run, not half of it.
func TestREPLPastedPythonBlock(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("\x1b[200~def h2(x):\r    y = f\"v={x}\"\r\r    return y + \"!\"\r\rprint(h2(1))\r\x1b[201~")
	tm.expect(translatedNote)
	tm.expect(`v=1!`)
	// Typed, a try: inside a def is read to the end of the block.
	tm.send("def k():\r")
	tm.send("    try:\r")
	tm.expect(`\.\.\. `)
	tm.send("        return 1 // 0\r")
	tm.send("    except ZeroDivisionError:\r")
	tm.send("        return 'cero'\r")
	tm.send("\r")
	tm.expect(translatedNote)
	tm.send("k()\r")
	tm.expect(`'cero'`)
}

// TestREPLTypedClass types a class with __init__ and a method, then
// uses it: it is translated and run without a question.
func TestREPLTypedClass(t *testing.T) {
	tm := startREPL(t, history(t))
	tm.send("class Scanner:\r")
	tm.expect(`\.\.\. `)
	tm.send("    def __init__(self, host):\r")
	tm.send("        self.host = host\r")
	tm.send("    \r")
	tm.send("    def where(self):\r")
	tm.send("        return f\"host={self.host}\"\r")
	tm.send("\r")
	tm.expect(translatedNote)
	tm.send("s = Scanner('127.0.0.1')\r")
	tm.send("s.where()\r")
	tm.expect(`'host=127\.0\.0\.1'`)
	tm.send("s.host = 'localhost'\r")
	tm.send("s.where()\r")
	tm.expect(`'host=localhost'`)
}
