package socket_test

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// TestSetResolverRefusesBadAddress: setresolver refuses what
// NETSTAR_RESOLVER refuses, with Python's exception classes: a port
// outside 0-65535 is an OverflowError whose text is Python's for
// connect(("127.0.0.1", 99999)) (checked against python3 when it is
// installed), anything else malformed a ValueError. A refused address
// leaves the resolver as it was.
func TestSetResolverRefusesBadAddress(t *testing.T) {
	const pyText = "port must be 0-65535"
	if py, err := exec.LookPath("python3"); err == nil {
		out, _ := exec.Command(py, "-c", `import socket
try: socket.socket().connect(("127.0.0.1", 99999))
except Exception as e: print(type(e).__name__, e)`).CombinedOutput()
		if got := strings.TrimSpace(string(out)); got != "OverflowError connect(): "+pyText+"." {
			t.Fatalf("python3 says %q; this test expects Python's OverflowError %q", got, pyText)
		}
	}
	srv := labServer(t)
	for _, tc := range []struct{ addr, want string }{
		{"127.0.0.1:99999", `OverflowError: socket.setresolver: ` + pyText + `, got 99999 in "127.0.0.1:99999"`},
		{"127.0.0.1:-1", `OverflowError: socket.setresolver: ` + pyText},
		{"[::1]:65536", `OverflowError: socket.setresolver: ` + pyText},
		{"127.0.0.1:0", `ValueError: socket.setresolver: resolver address "127.0.0.1:0": port "0": want 1-65535`},
		{"127.0.0.1:dns", `ValueError: socket.setresolver: resolver address "127.0.0.1:dns": port "dns": want 1-65535`},
		{"garbage", `ValueError: socket.setresolver: resolver address "garbage": want an IP address`},
		{"localhost:5353", `ValueError: socket.setresolver: resolver address "localhost:5353": want an IP address`},
		{"127.1:5353", `ValueError: socket.setresolver: resolver address "127.1:5353": want an IP address`},
		{" 127.0.0.1:5353", `ValueError: socket.setresolver: resolver address " 127.0.0.1:5353": want an IP address`},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			out := mustRun(t, "setresolver.star", fmt.Sprintf(`
import socket
socket.setresolver(%q)
err = catch(socket.setresolver, %q)[1]
print("%%s: %%s" %% (err.type, err))
assert.eq(socket.gethostbyname("www.lab.test"), "10.0.0.80")
`, srv.Addr, tc.addr))
			if got := strings.TrimSpace(out); !strings.HasPrefix(got, tc.want) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
