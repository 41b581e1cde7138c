package errno_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/errno"
	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/interp"
)

func TestName(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{111, "ECONNREFUSED"},
		{110, "ETIMEDOUT"},
		{11, "EAGAIN"},
		{35, "EDEADLOCK"},
		{95, "ENOTSUP"},
		{98, "EADDRINUSE"},
		{99999, ""},
	} {
		if got := errno.Name(tc.n); got != tc.want {
			t.Errorf("Name(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func run(t *testing.T, src string) string {
	t.Helper()
	var out, errb bytes.Buffer
	s := interp.New(interp.Config{Stdout: &out, Stderr: &errb, Argv: []string{"t.star"}})
	defer s.Close()
	th := s.NewThread("test")
	s.Lock()
	_, err := s.ExecFile(th, "t.star", []byte(src))
	s.Unlock()
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	return out.String()
}

func TestStarlark(t *testing.T) {
	got := run(t, "import errno\nprint(errno.ECONNREFUSED, errno.errorcode[111], errno.EWOULDBLOCK == errno.EAGAIN)\n")
	if got != "111 ECONNREFUSED True\n" {
		t.Errorf("got %q", got)
	}
}

// TestParity compares every name and errorcode entry with python3's.
func TestParity(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3")
	}
	want, err := exec.Command(py, "-c", `import errno
for k in sorted(n for n in dir(errno) if n.startswith("E")): print(k, getattr(errno, k))
for k in sorted(errno.errorcode): print(k, errno.errorcode[k])`).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	got := run(t, `import errno
for k in sorted([n for n in dir(errno) if n.startswith("E")]): print(k, getattr(errno, k))
for k in sorted(errno.errorcode): print(k, errno.errorcode[k])`)
	if strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
		t.Errorf("errno differs from python3:\nnetstar:\n%s\npython3:\n%s", got, want)
	}
}
