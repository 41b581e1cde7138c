package socket_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/repl/interp"
)

// labServer starts a DNS fixture with a few records and points the
// module's resolver at it for the duration of the test.
func labServer(t *testing.T) *dnstest.Server {
	t.Helper()
	srv := dnstest.NewServer()
	srv.AddA("www.lab.test", "10.0.0.80", "10.0.0.81")
	srv.AddAAAA("www.lab.test", "fd00::80")
	srv.AddCNAME("web.lab.test", "www.lab.test")
	srv.AddA("v4only.lab.test", "10.0.0.4")
	srv.AddAAAA("v6only.lab.test", "fd00::6")
	srv.AddPTR("10.0.0.80", "www.lab.test")
	srv.AddPTR("10.0.0.81", "host81", "www81.lab.test")
	srv.AddServFail("broken.lab.test")
	if err := resolve.SetServer(srv.Addr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		resolve.SetServer("")
		srv.Close()
	})
	return srv
}

func TestLookupsAgainstFixture(t *testing.T) {
	srv := labServer(t)
	mustRun(t, "lookups.star", fmt.Sprintf(`
import socket
assert.eq(socket.gethostbyname("www.lab.test"), "10.0.0.80")
assert.eq(socket.gethostbyname_ex("www.lab.test"), ("www.lab.test", [], ["10.0.0.80", "10.0.0.81"]))
assert.eq(socket.gethostbyname_ex("web.lab.test"), ("www.lab.test", ["web.lab.test"], ["10.0.0.80", "10.0.0.81"]))
assert.eq(socket.gethostbyaddr("10.0.0.80"), ("www.lab.test", [], ["10.0.0.80"]))
assert.eq(socket.gethostbyaddr("www.lab.test"), ("www.lab.test", [], ["10.0.0.80"]))
assert.eq(socket.getfqdn("10.0.0.81"), "www81.lab.test")
assert.eq(socket.getfqdn("nothing.lab.test"), "nothing.lab.test")
assert.fails(lambda: socket.gethostbyname("nothing.lab.test"), r"socket.gaierror: \[Errno -2\] Name or service not known")
assert.fails(lambda: socket.gethostbyname("v6only.lab.test"), r"socket.gaierror: \[Errno -5\] No address associated with hostname")
assert.fails(lambda: socket.gethostbyname("broken.lab.test"), r"socket.gaierror: \[Errno -3\] Temporary failure in name resolution")
assert.fails(lambda: socket.gethostbyaddr("10.9.9.9"), r"socket.herror: \[Errno 1\] Unknown host")
err = catch(socket.gethostbyname, "nothing.lab.test")[1]
assert.eq(err.type, "gaierror")
assert.eq(err.errno, -2)
assert.true(err.is_a(socket.gaierror))
assert.true(err.is_a(socket.error))
assert.true(not err.is_a(socket.herror))
ai = socket.getaddrinfo("www.lab.test", 80, socket.AF_INET, socket.SOCK_STREAM)
assert.eq(ai, [(2, 1, 6, "", ("10.0.0.80", 80)), (2, 1, 6, "", ("10.0.0.81", 80))])
ai = socket.getaddrinfo("v6only.lab.test", "http", 0, socket.SOCK_STREAM)
assert.eq(ai, [(10, 1, 6, "", ("fd00::6", 80, 0, 0))])
assert.eq(socket.gethostbyname("localhost"), "127.0.0.1")

r = socket.resolve(["www.lab.test", "nothing.lab.test", "v4only.lab.test"], workers=2)
assert.eq(r["www.lab.test"], ["10.0.0.80", "10.0.0.81"])
assert.eq(r["v4only.lab.test"], ["10.0.0.4"])
assert.eq(r["nothing.lab.test"].errno, -2)
assert.eq(type(r["nothing.lab.test"]), "exception")
r = socket.resolve(["www.lab.test"], family=socket.AF_UNSPEC)
assert.eq(r["www.lab.test"], ["10.0.0.80", "10.0.0.81", "fd00::80"])
r = socket.reverse("10.0.0.80/30")
assert.eq(sorted(r.keys()), ["10.0.0.80", "10.0.0.81", "10.0.0.82", "10.0.0.83"])
assert.eq(r["10.0.0.80"], ["www.lab.test"])
assert.eq(r["10.0.0.81"], ["host81", "www81.lab.test"])
assert.eq(r["10.0.0.82"].type, "herror")
assert.fails(lambda: socket.reverse("10.0.0.0/8"), "more than 65536")
assert.fails(lambda: socket.reverse(["x"]), "not an IP address")
assert.fails(lambda: socket.resolve(["a"], workers=0), "workers")
assert.fails(lambda: socket.resolve(5), "want a list of strings")
socket.setresolver(%q)
`, srv.Addr))
	if srv.Queries() == 0 {
		t.Error("fixture saw no query")
	}
}

// TestInternationalNames: a host name with non-ASCII letters is looked
// up as Python's idna codec encodes it (españa is xn--espaa-rta), by
// every call that takes a host.
func TestInternationalNames(t *testing.T) {
	srv := labServer(t)
	srv.AddA("xn--espaa-rta.lab.test", "127.0.0.1")
	srv.AddA("strasse.lab.test", "127.0.0.2")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	mustRun(t, "idna.star", fmt.Sprintf(`
import socket
assert.eq(socket.gethostbyname("españa.lab.test"), "127.0.0.1")
assert.eq(socket.gethostbyname("ESPAÑA.lab.test"), "127.0.0.1")
assert.eq(socket.gethostbyname("straße.lab.test"), "127.0.0.2")
assert.eq(socket.gethostbyname_ex("españa.lab.test")[2], ["127.0.0.1"])
assert.eq(socket.getaddrinfo("españa.lab.test", %[1]d, socket.AF_INET, socket.SOCK_STREAM)[0][4], ("127.0.0.1", %[1]d))
s = socket.socket()
assert.eq(s.connect_ex(("españa.lab.test", %[1]d)), 0)
s.close()
c = socket.create_connection(("españa.lab.test", %[1]d))
c.close()
r = socket.resolve(["españa.lab.test", "ñ..lab.test"])
assert.eq(r["españa.lab.test"], ["127.0.0.1"])
assert.eq(r["ñ..lab.test"].type, "UnicodeError")
assert.fails(lambda: socket.gethostbyname("ñ..lab.test"), "label empty or too long")
`, port))
}

// TestNoQueryForLiterals checks that IP literals and localhost never
// reach the resolver.
func TestNoQueryForLiterals(t *testing.T) {
	srv := labServer(t)
	mustRun(t, "literals.star", `
import socket
assert.eq(socket.gethostbyname("localhost"), "127.0.0.1")
assert.eq(socket.gethostbyname("10.1.2.3"), "10.1.2.3")
assert.eq(socket.gethostbyname_ex("127.0.0.1"), ("127.0.0.1", [], ["127.0.0.1"]))
assert.fails(lambda: socket.gethostbyname("300.1.1.1"), "-2")
s = socket.socket()
assert.eq(s.connect_ex(("localhost", 1)), 111)
s.close()
`)
	if n := srv.Queries(); n != 0 {
		t.Errorf("fixture saw %d queries, want 0", n)
	}
}

func TestResolveGo(t *testing.T) {
	srv := labServer(t)
	names := make([]string, 300)
	for i := range names {
		names[i] = fmt.Sprintf("h%d.bulk.test", i)
		if i%3 != 0 {
			srv.AddA(names[i], fmt.Sprintf("10.1.%d.%d", i/256, i%256))
		}
	}
	srv.SetDelay(5 * time.Millisecond)
	res, err := resolve.Resolve(context.Background(), names, resolve.Options{Workers: 50})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if i%3 == 0 {
			if r.Err == nil || !strings.Contains(r.Err.Error(), "Errno -2") {
				t.Errorf("%s: got %v, %v; want gaierror -2", names[i], r.Values, r.Err)
			}
		} else if want := fmt.Sprintf("10.1.%d.%d", i/256, i%256); len(r.Values) != 1 || r.Values[0] != want {
			t.Errorf("%s: got %v, %v; want %s", names[i], r.Values, r.Err, want)
		}
	}
}

// TestResolveCancel checks that a bulk lookup stops when its context is
// cancelled (Ctrl-C) even though the server never answers in time.
func TestResolveCancel(t *testing.T) {
	srv := labServer(t)
	srv.SetDelay(time.Hour)
	s := interp.New(interp.Config{})
	defer s.Close()
	th := s.NewThread("cancel")
	ctx, cancel := context.WithCancel(context.Background())
	interp.SetContext(th, ctx)
	time.AfterFunc(100*time.Millisecond, cancel)
	s.Lock()
	_, err := s.ExecFile(th, "cancel.star", []byte(`
import socket
socket.resolve(["a%d.test" % i for i in range(1000)], timeout=3600)
`))
	s.Unlock()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
