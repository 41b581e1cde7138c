package netnstest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestPortRanges(t *testing.T) {
	got := portRanges([]int{5, 1, 2, 3, 9, 10, 3, 20})
	if want := "[1:3 5 9:10 20]"; fmt.Sprint(got) != want {
		t.Errorf("portRanges = %v, want %s", got, want)
	}
}

// TestNet dials from Local to Remote: an open port with a banner, a
// dropped one, a rejected one and a closed one; then Close removes
// everything.
func TestNet(t *testing.T) {
	defer goleak.VerifyNone(t)
	n, err := New()
	if errors.Is(err, ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	port, err := n.Remote.Serve("0.0.0.0:80", "hello\n")
	if err != nil || port != 80 {
		t.Fatalf("Serve = %d, %v", port, err)
	}
	if err := n.Remote.DropSYN(81); err != nil {
		t.Fatal(err)
	}
	if err := n.Remote.RejectSYN(82); err != nil {
		t.Fatal(err)
	}
	dial := func(port int) (string, error) {
		var banner string
		err := n.Local.Do(func() error {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("%s:%d", n.Remote.Addr, port), 300*time.Millisecond)
			if err != nil {
				return err
			}
			defer c.Close()
			b, err := io.ReadAll(c)
			banner = string(b)
			return err
		})
		return banner, err
	}
	if b, err := dial(80); err != nil || b != "hello\n" {
		t.Errorf("port 80: %q, %v", b, err)
	}
	var ne net.Error
	if _, err := dial(81); !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("dropped port: %v, want a timeout", err)
	}
	if _, err := dial(82); !errors.Is(err, syscall.EHOSTUNREACH) {
		t.Errorf("rejected port: %v, want EHOSTUNREACH", err)
	}
	if _, err := dial(83); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("closed port: %v, want ECONNREFUSED", err)
	}
	states, err := n.Remote.TCPStates()
	if err != nil || states["LISTEN"] != 1 {
		t.Errorf("remote sockets: %v, %v", states, err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("ip", "netns", "list").Output()
	if strings.Contains(string(out), n.Local.Name) || strings.Contains(string(out), n.Remote.Name) {
		t.Errorf("namespaces left after Close:\n%s", out)
	}
	if err := n.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
