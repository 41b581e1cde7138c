package socket_test

import (
	"regexp"
	"testing"
)

// TestBadInput checks that malformed calls fail with a clear error that
// names the call or the parameter, never a panic or a hang.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`socket.socket().connect(("127.0.0.1",))`, `TypeError: AF_INET address must be a pair \(host, port\)`},
		{`socket.socket().connect(("host", "80"))`, `TypeError: 'str' object cannot be interpreted as an integer`},
		{`socket.socket().connect(("127.0.0.1", 65536))`, `OverflowError: connect\(\): port must be 0-65535.`},
		{`socket.socket().bind(("127.0.0.1", -1))`, `OverflowError: bind\(\): port must be 0-65535.`},
		{`socket.socket().connect("127.0.0.1:80")`, `TypeError: connect\(\): AF_INET address must be tuple, not str`},
		{`socket.socket().connect((1, 80))`, `TypeError: str, bytes or bytearray expected, not int`},
		{`socket.inet_aton("300.1.1.1")`, `OSError: illegal IP address string passed to inet_aton`},
		{`socket.inet_aton(5)`, `socket.inet_aton: for parameter 1: got int, want string`},
		{`socket.gethostbyname(5)`, `TypeError: gethostbyname\(\) argument 1 must be str, bytes or bytearray, not int`},
		{`socket.gethostbyname()`, `socket.gethostbyname: got 0 arguments, want 1`},
		{`socket.getservbyport("80")`, `TypeError: 'str' object cannot be interpreted as an integer`},
		{`socket.getservbyport(70000)`, `OverflowError: getservbyport: port must be 0-65535.`},
		{`socket.socket(12345)`, `OSError: \[Errno 97\] Address family not supported by protocol`},
		{`socket.socket("x")`, `socket.socket: for parameter family: got string, want int`},
		{`socket.socket().recv("x")`, `socket.recv: for parameter 1: got string, want int`},
		{`socket.socket().recv(-5)`, `ValueError: negative buffersize in recv`},
		{`socket.socket().recv(10)`, `OSError: \[Errno 107\] Transport endpoint is not connected`},
		{`socket.socket().send(5)`, `TypeError: a bytes-like object is required, not 'int'`},
		{`socket.socket().settimeout("x")`, `TypeError`},
		{`socket.socket().settimeout(-1)`, `ValueError: Timeout value out of range`},
		{`socket.socket().sendto(b"x")`, `sendto\(\) takes 2 or 3 arguments \(1 given\)`},
		{`socket.socket().setsockopt(1, 2, "x")`, `socket.setsockopt: for parameter value: got string, want int or bytes`},
		{`socket.socket().getsockopt(1, 2, 99999)`, `getsockopt buflen out of range`},
		{`socket.socket(socket.AF_UNIX).connect(("a", 1))`, `TypeError: connect\(\): AF_UNIX address must be str or bytes, not tuple`},
		{`socket.socket(socket.AF_INET6).connect(("::1",))`, `AF_INET6 address must be a tuple`},
		{"s = socket.socket()\ns.close()\ns.bind(('127.0.0.1', 0))", `OSError: \[Errno 9\] Bad file descriptor`},
		{"s = socket.socket()\ns.close()\ns.listen()", `OSError: \[Errno 9\] Bad file descriptor`},
		{`socket.setresolver("not an address")`, `ValueError: socket.setresolver: resolver address`},
		{`socket.setdefaulttimeout(-3)`, `ValueError: Timeout value out of range`},
		{`socket.getaddrinfo("127.0.0.1", 1.5)`, `OSError: Int or String expected`},
		{`socket.getaddrinfo("127.0.0.1", "nosuchservice")`, `socket.gaierror: \[Errno -8\] Servname not supported for ai_socktype`},
		{`socket.inet_pton(socket.AF_INET, "1.2.3")`, `OSError: illegal IP address string passed to inet_pton`},
		{`socket.htons(70000)`, `OverflowError`},
		{`socket.resolve(["a"], timeout=0)`, `socket.resolve: for parameter timeout`},
		{`socket.reverse("10.0.0.0/33")`, `socket.reverse: for parameter targets`},
	} {
		_, err := run(t, "bad.star", "import socket\n"+tc.src+"\n")
		if err == nil {
			t.Errorf("%s: no error, want %s", tc.src, tc.want)
			continue
		}
		if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
			t.Errorf("%s:\n got  %v\n want %s", tc.src, err, tc.want)
		}
	}
}
