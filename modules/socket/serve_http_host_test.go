package socket_test

import (
	"fmt"
	"testing"
)

// TestServeHTTPHostUsesResolver: serve_http(host=NAME) looks NAME up
// with the module's resolver (here setresolver's DNS fixture, where
// srv.lab.test is 127.0.0.1), not the system's; numeric hosts in glibc's
// forms bind without a query, and a name the lab does not know is its
// socket.gaierror.
func TestServeHTTPHostUsesResolver(t *testing.T) {
	dns := labServer(t)
	dns.AddA("srv.lab.test", "127.0.0.1")
	dns.AddAAAA("srv.lab.test", "::1")
	for _, tc := range []struct {
		name, host, want string
		queries          bool
	}{
		{"lab name", "srv.lab.test", "http://127.0.0.1:", true},
		{"inet_aton form", "127.1", "http://127.0.0.1:", false},
		{"ip", "127.0.0.1", "http://127.0.0.1:", false},
		{"localhost", "localhost", "http://127.0.0.1:", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dns.Queries()
			mustRun(t, "serve_host.star", fmt.Sprintf(`
import socket, http
srv = socket.serve_http(port=0, host=%q, handler=lambda req: "hi " + req.path, background=True)
assert.true(srv.url.startswith(%q), srv.url)
assert.eq(srv.host, %q)
assert.eq(http.get(srv.url + "x").text, "hi /x")
srv.stop()
`, tc.host, tc.want, tc.host))
			if asked := dns.Queries() > before; asked != tc.queries {
				t.Errorf("DNS fixture queried: %v, want %v", asked, tc.queries)
			}
		})
	}
	mustRun(t, "serve_host_unknown.star", `
import socket
err = catch(socket.serve_http, port=0, host="nothing.lab.test", handler=len, background=True)[1]
assert.eq(err.type, "gaierror")
assert.eq(err.errno, -2)
`)
	if dns.Asked("nothing.lab.test") == 0 {
		t.Error("nothing.lab.test was not asked of the DNS fixture")
	}
}
