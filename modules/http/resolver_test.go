package http_test

import (
	"fmt"
	gohttp "net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"github.com/netstar/netstar/modules/socket/resolve"
)

// labDNS starts a DNS fixture where web.lab.test is 127.0.0.1 and a
// loopback HTTP server that echoes the Host it was sent.
func labDNS(t *testing.T) (*dnstest.Server, string) {
	t.Helper()
	dns := dnstest.NewServer()
	t.Cleanup(dns.Close)
	dns.AddA("web.lab.test", "127.0.0.1")
	web := httptest.NewServer(gohttp.HandlerFunc(func(w gohttp.ResponseWriter, r *gohttp.Request) {
		fmt.Fprintf(w, "%s %s", r.Method, r.Host)
	}))
	t.Cleanup(web.Close)
	_, port, _ := strings.Cut(strings.TrimPrefix(web.URL, "http://"), ":")
	return dns, port
}

// TestClientUsesSetresolver: after socket.setresolver, http.get, post
// and request look names up on that DNS server (a made-up name reaches
// the loopback server; the fixture saw the question), and a name it does
// not know is its socket.gaierror, not the system resolver's answer.
func TestClientUsesSetresolver(t *testing.T) {
	dns, port := labDNS(t)
	t.Cleanup(func() { resolve.SetServer("") })
	url := "http://web.lab.test:" + port + "/"
	for _, tc := range []struct{ name, call, want string }{
		{"get", `http.get(URL).text`, "GET web.lab.test:" + port},
		{"post", `http.post(URL, "x").text`, "POST web.lab.test:" + port},
		{"request", `http.request("PUT", URL).text`, "PUT web.lab.test:" + port},
		{"unknown name", `[(e.type, e.errno, str(e)) for e in [catch(http.get, "http://nothing.lab.test:` + port + `/")[1]]][0]`, `('gaierror', -2, '[Errno -2] Name or service not known')`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dns.Queries()
			out, err := run(t, nil, fmt.Sprintf("import http, socket\nsocket.setresolver(%q)\nURL = %q\nprint(%s)\n", dns.Addr, url, tc.call))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(out); !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if dns.Queries() == before {
				t.Error("the DNS fixture saw no query")
			}
		})
	}
	if dns.Asked("web.lab.test") == 0 || dns.Asked("nothing.lab.test") == 0 {
		t.Errorf("asked web.lab.test %d times, nothing.lab.test %d times; want both", dns.Asked("web.lab.test"), dns.Asked("nothing.lab.test"))
	}
}

// envHelper is set when the test binary runs as the child of
// TestClientUsesEnvResolver.
const envHelper = "NETSTAR_HTTP_TEST_URL"

// TestClientUsesEnvResolver: with NETSTAR_RESOLVER set at start, as a
// lab sets it, http.get resolves through that server. It runs in a child
// process, because the variable is read once per process.
func TestClientUsesEnvResolver(t *testing.T) {
	if url := os.Getenv(envHelper); url != "" {
		out, err := run(t, nil, fmt.Sprintf("import http\nprint(http.get(%q).text)\n", url))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Print(out)
		return
	}
	dns, port := labDNS(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestClientUsesEnvResolver$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), resolve.EnvResolver+"="+dns.Addr, envHelper+"=http://web.lab.test:"+port+"/env")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if want := "GET web.lab.test:" + port; !strings.Contains(string(out), want) {
		t.Errorf("child printed %q, want %q", out, want)
	}
	if dns.Asked("web.lab.test") == 0 {
		t.Error("the DNS fixture saw no question for web.lab.test")
	}
}
