package translate

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
)

// runNetstar runs code in a fresh session with argv and stdin, as the
// script runner does (the program's threads are waited for), and
// returns what it printed.
func runNetstar(t testing.TB, code string, argv []string, stdin string) (string, string, error) {
	t.Helper()
	var out, errb syncBuffer
	in := bufio.NewReader(strings.NewReader(stdin))
	s := interp.New(interp.Config{
		Stdout: &out,
		Stderr: &errb,
		Argv:   append([]string{"t.star"}, argv...),
		Input: func(prompt string) (string, error) {
			io.WriteString(&out, prompt)
			line, err := in.ReadString('\n')
			if err != nil && line == "" {
				return "", err
			}
			return strings.TrimRight(line, "\n"), nil
		},
	})
	defer s.Close()
	th := s.NewThread("main")
	s.Lock()
	_, err := s.ExecFile(th, "t.star", []byte(code))
	s.Unlock()
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		err = s.Wait(ctx)
		cancel()
	}
	return out.String(), errb.String(), err
}

// python3 returns the path of python3, or skips the test.
func python3(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare outputs (.ci/run installs it)")
	}
	return p
}

// runPython runs src under python3 with argv and stdin; it returns
// stdout and the error (an *exec.ExitError for a nonzero status).
func runPython(t testing.TB, src string, argv []string, stdin string) (string, string, error) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "t.py")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python3(t), append([]string{"-u", file}, argv...)...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONDONTWRITEBYTECODE=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// syncBuffer is interptest.Buffer under its old name.
type syncBuffer = interptest.Buffer

// mustTranslate translates src and fails the test on error.
func mustTranslate(t testing.TB, name, src string) Result {
	t.Helper()
	r, err := Python(name, []byte(src))
	if err != nil {
		t.Fatalf("Python(%s): %v", name, err)
	}
	return r
}

// mustParse checks that netstar's parser accepts code.
func mustParse(t testing.TB, code string) {
	t.Helper()
	if _, err := interp.Parse("out.star", []byte(code)); err != nil {
		t.Fatalf("translation does not parse: %v\n%s", err, numbered(code))
	}
}

func numbered(code string) string {
	var b strings.Builder
	for i, l := range strings.Split(code, "\n") {
		b.WriteString(strings.TrimRight(strings.Repeat(" ", 4-len(itoa(i+1)))+itoa(i+1)+"  "+l, " ") + "\n")
	}
	return b.String()
}

func itoa(i int) string {
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(buf[n:])
		}
	}
}
