package http_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	gohttp "net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// certs is a test PKI made with crypto/x509: a CA, a leaf for 127.0.0.1
// signed by it, an expired leaf, and a self-signed leaf.
type certs struct {
	caPEM                     []byte
	leaf, expired, selfSigned tls.Certificate
}

func makeCerts(t *testing.T) certs {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	now := time.Now()
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "netstar test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leaf := func(serial int64, notAfter time.Time, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) tls.Certificate {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "127.0.0.1"},
			NotBefore: now.Add(-2 * time.Hour), NotAfter: notAfter, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
		if parent == nil {
			parent, parentKey = tmpl, k
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &k.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
	}
	return certs{
		caPEM:      pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		leaf:       leaf(2, now.Add(time.Hour), ca, caKey),
		expired:    leaf(3, now.Add(-time.Hour), ca, caKey),
		selfSigned: leaf(4, now.Add(time.Hour), nil, nil),
	}
}

// tlsServer starts an HTTPS server on 127.0.0.1 with cert.
func tlsServer(t *testing.T, cert tls.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(gohttp.HandlerFunc(func(w gohttp.ResponseWriter, r *gohttp.Request) {
		fmt.Fprintf(w, "secure %s", r.URL.Path)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are the test
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTLSOptions(t *testing.T) {
	c := makeCerts(t)
	good := tlsServer(t, c.leaf)
	expired := tlsServer(t, c.expired)
	self := tlsServer(t, c.selfSigned)
	ca := writeFile(t, "ca.pem", c.caPEM)
	other := makeCerts(t)
	otherCA := writeFile(t, "other.pem", other.caPEM)
	notPEM := writeFile(t, "junk.pem", []byte("not a certificate\n"))
	_, goodPort, _ := net.SplitHostPort(strings.TrimPrefix(good.URL, "https://"))
	for _, tc := range []struct{ name, call, want string }{
		{"default verifies", `http.get(GOOD)`, "http.get: ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"},
		{"verify=False", `print(http.get(GOOD + "/x", verify=False).text)`, "secure /x"},
		{"verify=False self-signed", `print(http.get(SELF, verify=False).status)`, "200"},
		{"ca", `print(http.get(GOOD + "/y", ca=CA).text)`, "secure /y"},
		{"verify=FILE", `print(http.post(GOOD + "/z", "b", verify=CA).text)`, "secure /z"},
		{"ca, wrong CA", `http.get(GOOD, ca=OTHER)`, "certificate verify failed: unable to get local issuer certificate"},
		{"self-signed", `http.get(SELF, ca=CA)`, "certificate verify failed: self-signed certificate"},
		{"expired", `http.get(EXPIRED, ca=CA)`, "certificate verify failed: certificate has expired"},
		{"name mismatch", `http.get("https://localhost:` + goodPort + `/", ca=CA)`, "certificate verify failed: Hostname mismatch, certificate is not valid for 'localhost'."},
		{"is an OSError", `e = catch(http.get, GOOD)[1]
print(e.type, e.is_a("OSError"), e.is_a("SSLError"))`, "SSLCertVerificationError True True"},
		{"ca missing", `http.get(GOOD, ca="/nonexistent/ca.pem")`, "http.get: FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/ca.pem'"},
		{"ca not PEM", `http.get(GOOD, ca=JUNK)`, "http.get: ssl.SSLError: [X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found in '" + notPEM + "'"},
		{"ca and verify=False", `http.get(GOOD, ca=CA, verify=False)`, "ValueError: http.get: for parameter ca: give ca= or verify=, not both"},
		{"verify int", `http.get(GOOD, verify=1)`, "TypeError: http.get: for parameter verify: got int, want bool or str (a CA file)"},
		{"ca int", `http.get(GOOD, ca=1)`, "TypeError: http.get: for parameter ca: got int, want str (a PEM file)"},
		{"ca empty", `http.get(GOOD, ca="")`, "ValueError: http.get: for parameter ca: empty CA file name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fmt.Sprintf("import http\nGOOD, SELF, EXPIRED, CA, OTHER, JUNK = %q, %q, %q, %q, %q, %q\n%s\n",
				good.URL, self.URL, expired.URL, ca, otherCA, notPEM, tc.call)
			out, err := run(t, nil, src)
			got := strings.TrimSpace(out)
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFollowRedirects(t *testing.T) {
	srv := fixture(t)
	out, err := run(t, nil, fmt.Sprintf(`import http
r = http.get(%[1]q + "/redirect", follow_redirects=False)
print(r.status, r.ok, r.headers["location"], r.url.endswith("/redirect"))
r = http.get(%[1]q + "/redirect", follow_redirects=True)
print(r.status, r.text)
print(http.request("POST", %[1]q + "/redirect", follow_redirects=False).status)
`, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if want := "302 True /hello True\n200 hello GET \n302\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	loop := httptest.NewServer(gohttp.HandlerFunc(func(w gohttp.ResponseWriter, r *gohttp.Request) {
		gohttp.Redirect(w, r, "/again", gohttp.StatusFound)
	}))
	defer loop.Close()
	for call, want := range map[string]string{
		`http.get(URL)`: "http.get: requests.exceptions.TooManyRedirects: Exceeded 10 redirects.",
		`print(http.get(URL, follow_redirects=False).status)`: "302",
		`http.get(URL, follow_redirects=None)`:                "TypeError: http.get: for parameter follow_redirects: got NoneType, want bool",
	} {
		out, err := run(t, nil, fmt.Sprintf("import http\nURL = %q\n%s\n", loop.URL, call))
		got := strings.TrimSpace(out)
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", call, got, want)
		}
	}
}

// bigBody is the body /big sends: n bytes of a repeating pattern.
func bigBody(n int64) io.Reader {
	pattern := []byte("0123456789abcdefghijklmnopqrstuvwxyz\n")
	return io.LimitReader(&repeatReader{p: pattern}, n)
}

type repeatReader struct {
	p   []byte
	off int
}

func (r *repeatReader) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = r.p[r.off]
		r.off = (r.off + 1) % len(r.p)
	}
	return len(b), nil
}

func TestSaveTo(t *testing.T) {
	const size = 64<<20 + 12345 // beyond the in-memory cap
	sum := sha256.New()
	io.Copy(sum, bigBody(size))
	want := hex.EncodeToString(sum.Sum(nil))
	srv := httptest.NewServer(gohttp.HandlerFunc(func(w gohttp.ResponseWriter, r *gohttp.Request) {
		switch r.URL.Path {
		case "/big":
			w.Header().Set("Content-Length", fmt.Sprint(size))
			io.Copy(w, bigBody(size))
		case "/cut": // promises more than it sends
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, "partial")
			w.(gohttp.Flusher).Flush()
			conn, _, _ := w.(gohttp.Hijacker).Hijack()
			conn.Close()
		case "/small":
			io.WriteString(w, "small body")
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	out, err := run(t, nil, fmt.Sprintf(`import http
r = http.get(%[1]q + "/big", save_to=%[2]q)
print(r.status, r.size, r.saved_to == %[2]q, len(r.body), repr(r.text))
r = http.get(%[1]q + "/small")
print(r.size, r.saved_to)
`, srv.URL, filepath.Join(dir, "big.bin")))
	if err != nil {
		t.Fatal(err)
	}
	if exp := fmt.Sprintf("200 %d True 0 ''\n10 None\n", size); out != exp {
		t.Fatalf("got %q, want %q", out, exp)
	}
	f, err := os.Open(filepath.Join(dir, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n, _ := io.Copy(h, f)
	f.Close()
	if got := hex.EncodeToString(h.Sum(nil)); n != size || got != want {
		t.Fatalf("saved %d bytes, sha256 %s; want %d, %s", n, got, size, want)
	}

	// A cut download leaves the file that was there, and no part file.
	kept := filepath.Join(dir, "kept.txt")
	os.WriteFile(kept, []byte("old"), 0o644)
	for call, want := range map[string]string{
		fmt.Sprintf(`http.get(URL + "/big")`):                                 "http.get: ValueError: response body is larger than 64 MiB (save_to=PATH streams it to a file)",
		fmt.Sprintf(`http.get(URL + "/cut", save_to=%q)`, kept):               "http.get: RemoteDisconnected",
		fmt.Sprintf(`http.get(URL + "/small", save_to=%q)`, "/nonexistent/x"): "http.get: FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/x'",
		fmt.Sprintf(`http.get(URL + "/small", save_to=%q)`, dir):              "http.get: IsADirectoryError: [Errno 21] Is a directory: '" + dir + "'",
		`http.get(URL + "/small", save_to=1)`:                                 "TypeError: http.get: for parameter save_to: got int, want str (a file path)",
		`http.get(URL + "/small", save_to="")`:                                "ValueError: http.get: for parameter save_to: empty file name",
	} {
		_, err := run(t, nil, fmt.Sprintf("import http\nURL = %q\n%s\n", srv.URL, call))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", call, err, want)
		}
	}
	if b, _ := os.ReadFile(kept); string(b) != "old" {
		t.Errorf("kept.txt is %q after a cut download, want the old content", b)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".part-") {
			t.Errorf("part file left behind: %s", e.Name())
		}
	}
}

// forwardProxy is a small HTTP forward proxy on loopback: it records the
// request line of each request (absolute URI, or CONNECT host:port) and
// its Proxy-Authorization, forwards plain requests and tunnels CONNECT.
type forwardProxy struct {
	ln   net.Listener
	mu   sync.Mutex
	seen []string
	wg   sync.WaitGroup
}

func startProxy(t *testing.T) *forwardProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &forwardProxy{ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.handle(c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *forwardProxy) record(s string) {
	p.mu.Lock()
	p.seen = append(p.seen, s)
	p.mu.Unlock()
}

func (p *forwardProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func (p *forwardProxy) handle(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	req, err := gohttp.ReadRequest(br)
	if err != nil {
		return
	}
	p.record(req.Method + " " + req.RequestURI + " auth=" + req.Header.Get("Proxy-Authorization"))
	if req.Method == gohttp.MethodConnect {
		up, err := net.Dial("tcp", req.Host)
		if err != nil {
			io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\n\r\n")
			return
		}
		defer up.Close()
		io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
		done := make(chan struct{})
		go func() { io.Copy(up, br); up.(*net.TCPConn).CloseWrite(); close(done) }()
		io.Copy(c, up)
		<-done
		return
	}
	req.RequestURI = ""
	req.Header.Del("Proxy-Authorization")
	resp, err := (&gohttp.Transport{DisableKeepAlives: true}).RoundTrip(req)
	if err != nil {
		io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
		return
	}
	defer resp.Body.Close()
	resp.Header.Set("X-Via-Test-Proxy", "1")
	resp.Close = true
	resp.Write(c)
}

func TestProxy(t *testing.T) {
	web := fixture(t)
	c := makeCerts(t)
	secure := tlsServer(t, c.leaf)
	proxy := startProxy(t)
	purl := "http://" + proxy.ln.Addr().String()
	out, err := run(t, nil, fmt.Sprintf(`import http
r = http.get(%[1]q + "/hello", proxy=%[2]q)
print(r.status, r.text, r.headers["x-via-test-proxy"])
r = http.get(%[3]q + "/s", proxy=%[4]q, verify=False)
print(r.status, r.text)
`, web.URL, purl, secure.URL, "http://user:pw@"+proxy.ln.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	if want := "200 hello GET  1\n200 secure /s\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	webHost := strings.TrimPrefix(web.URL, "http://")
	secureHost := strings.TrimPrefix(secure.URL, "https://")
	want := []string{"GET " + web.URL + "/hello auth=", "CONNECT " + secureHost + " auth=Basic dXNlcjpwdw=="}
	if got := proxy.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("proxy saw %q, want %q (web at %s)", got, want, webHost)
	}
	for call, want := range map[string]string{
		`http.get(URL, proxy="127.0.0.1:1")`:        "ConnectionRefusedError: [Errno 111] Connection refused", // http:// assumed, as requests does
		`http.get(URL, proxy="http://:3128")`:       `ValueError: http.get: for parameter proxy: invalid proxy URL "http://:3128"`,
		`http.get(URL, proxy="http://")`:            `ValueError: http.get: for parameter proxy: invalid proxy URL "http://": it is malformed or has no host`,
		`http.get(URL, proxy="ftp://127.0.0.1:21")`: `ValueError: http.get: for parameter proxy: unknown proxy scheme "ftp"`,
		`http.get(URL, proxy=3128)`:                 "TypeError: http.get: for parameter proxy: got int, want str",
		`http.get(URL, proxy="http://127.0.0.1:1")`: "ConnectionRefusedError: [Errno 111] Connection refused",
	} {
		_, err := run(t, nil, fmt.Sprintf("import http\nURL = %q\n%s\n", web.URL, call))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", call, err, want)
		}
	}
}

// TestCharset: text is the body decoded with the Content-Type charset,
// compared with python3's bytes.decode(charset, "replace") on the same
// bytes (requests' r.text).
func TestCharset(t *testing.T) {
	body := []byte("caf\xe9 \xc0 \xfe\xff \x80\x9f")
	cases := []struct{ contentType, encoding, python string }{
		{"text/plain; charset=iso-8859-1", "iso-8859-1", "iso-8859-1"},
		{"text/plain; charset=ISO-8859-1", "ISO-8859-1", "iso-8859-1"},
		{`text/html; charset="latin-1"`, "latin-1", "latin-1"},
		{"text/plain; charset=koi8-r", "koi8-r", "koi8-r"},
		{"text/plain; charset=utf-8", "utf-8", "utf-8"},
		{"text/plain", "", "utf-8"},
		{"text/plain; charset=no-such-charset", "no-such-charset", "utf-8"},
	}
	srv := httptest.NewServer(gohttp.HandlerFunc(func(w gohttp.ResponseWriter, r *gohttp.Request) {
		w.Header().Set("Content-Type", r.URL.Query().Get("ct"))
		w.Write(body)
	}))
	defer srv.Close()
	sjis := []byte("\x83n\x83\x8d\x81[") // ハロー in Shift_JIS
	jp := httptest.NewServer(gohttp.HandlerFunc(func(w gohttp.ResponseWriter, r *gohttp.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=Shift_JIS")
		w.Write(sjis)
	}))
	defer jp.Close()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: needed to compare decoding with Python's")
	}
	pyDecode := func(b []byte, enc string) string {
		out, err := exec.Command(python, "-c", "import sys; sys.stdout.write(ascii(bytes.fromhex(sys.argv[1]).decode(sys.argv[2], 'replace')))", hex.EncodeToString(b), enc).Output()
		if err != nil {
			t.Fatalf("python3: %v", err)
		}
		return string(out)
	}
	for _, tc := range cases {
		t.Run(tc.contentType, func(t *testing.T) {
			out, err := run(t, nil, fmt.Sprintf("import http\nr = http.get(%q)\nprint(r.encoding)\nprint(r.text.encode().hex())\nprint(r.body == %s)\n",
				srv.URL+"/?ct="+urlEscape(tc.contentType), starlarkBytes(body)))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			wantEnc := tc.encoding
			if wantEnc == "" {
				wantEnc = "None"
			}
			if lines[0] != wantEnc || lines[2] != "True" {
				t.Errorf("encoding %q, body unchanged %s; want %q, True", lines[0], lines[2], wantEnc)
			}
			got, _ := hex.DecodeString(lines[1])
			if want := pyDecode(body, tc.python); asciiRepr(t, python, string(got)) != want {
				t.Errorf("text %s, python3 decodes %s", asciiRepr(t, python, string(got)), want)
			}
		})
	}
	out, err := run(t, nil, fmt.Sprintf("import http\nprint(http.get(%q).text.encode().hex())\n", jp.URL))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := hex.DecodeString(strings.TrimSpace(out))
	if want := pyDecode(sjis, "shift_jis"); asciiRepr(t, python, string(got)) != want {
		t.Errorf("Shift_JIS: text %q, python3 decodes %s", got, want)
	}
}

func urlEscape(s string) string {
	return strings.NewReplacer(" ", "%20", ";", "%3B", "=", "%3D", `"`, "%22").Replace(s)
}

// starlarkBytes writes b as a Starlark bytes literal.
func starlarkBytes(b []byte) string {
	var sb strings.Builder
	sb.WriteString(`b"`)
	for _, c := range b {
		fmt.Fprintf(&sb, `\x%02x`, c)
	}
	sb.WriteString(`"`)
	return sb.String()
}

// asciiRepr is python3's ascii() of s, so both sides are compared in
// one notation.
func asciiRepr(t *testing.T, python, s string) string {
	t.Helper()
	out, err := exec.Command(python, "-c", "import sys; sys.stdout.write(ascii(bytes.fromhex(sys.argv[1]).decode('utf-8')))", hex.EncodeToString([]byte(s))).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	return string(out)
}

func TestSetCookies(t *testing.T) {
	srv := httptest.NewServer(gohttp.HandlerFunc(func(w gohttp.ResponseWriter, r *gohttp.Request) {
		if r.URL.Path == "/two" {
			w.Header().Add("Set-Cookie", "session=abc123; Path=/; HttpOnly")
			w.Header().Add("Set-Cookie", "theme=dark; Expires=Wed, 09 Jun 2027 10:18:14 GMT")
		} else {
			w.Header().Add("Set-Cookie", "only=1")
		}
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
	}))
	defer srv.Close()
	out, err := run(t, nil, fmt.Sprintf(`import http
r = http.get(%[1]q + "/two")
print(r.headers["set-cookie"])
print(r.cookies)
print(r.headers["x-multi"])
r = http.get(%[1]q + "/one")
print(r.headers["set-cookie"], r.cookies)
`, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	want := `['session=abc123; Path=/; HttpOnly', 'theme=dark; Expires=Wed, 09 Jun 2027 10:18:14 GMT']
{'session': 'abc123', 'theme': 'dark'}
a, b
only=1 {'only': '1'}
`
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}

// TestSaveToCtrlC: a download stopped by Ctrl-C leaves no file, and no
// part file, behind.
func TestSaveToCtrlC(t *testing.T) {
	srv := httptest.NewServer(gohttp.HandlerFunc(func(w gohttp.ResponseWriter, r *gohttp.Request) {
		w.Header().Set("Content-Length", "1000000")
		io.WriteString(w, "first bytes")
		w.(gohttp.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := run(t, ctx, fmt.Sprintf("import http\nhttp.get(%q, save_to=%q, timeout=None)\n", srv.URL, filepath.Join(dir, "out.bin")))
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("got %v, want context canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}
