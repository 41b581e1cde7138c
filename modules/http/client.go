package http

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	gohttp "net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netstar/netstar/builtins/pyerr"
	"go.starlark.net/starlark"
)

// config is what one request's options ask of the client.
type config struct {
	insecure bool     // verify=False
	caFile   string   // ca= or verify="FILE"
	follow   bool     // follow_redirects
	saveTo   string   // save_to=
	proxy    *url.URL // proxy=
}

// clientConfig checks a call's options, with messages that name the
// parameter as requests' and Python's do.
func clientConfig(fn string, o options) (config, error) {
	c := config{follow: true}
	switch v := o.verify.(type) {
	case starlark.Bool:
		c.insecure = !bool(v)
	case starlark.String:
		if v == "" {
			return c, pyerr.Errorf("ValueError", "%s: for parameter verify: empty CA file name", fn)
		}
		c.caFile = string(v)
	default:
		return c, pyerr.Errorf("TypeError", "%s: for parameter verify: got %s, want bool or str (a CA file)", fn, o.verify.Type())
	}
	switch v := o.ca.(type) {
	case starlark.NoneType:
	case starlark.String:
		if v == "" {
			return c, pyerr.Errorf("ValueError", "%s: for parameter ca: empty CA file name", fn)
		}
		if c.insecure || c.caFile != "" {
			return c, pyerr.Errorf("ValueError", "%s: for parameter ca: give ca= or verify=, not both (verify=False trusts every certificate)", fn)
		}
		c.caFile = string(v)
	default:
		return c, pyerr.Errorf("TypeError", "%s: for parameter ca: got %s, want str (a PEM file)", fn, o.ca.Type())
	}
	f, ok := o.follow.(starlark.Bool)
	if !ok {
		return c, pyerr.Errorf("TypeError", "%s: for parameter follow_redirects: got %s, want bool", fn, o.follow.Type())
	}
	c.follow = bool(f)
	switch v := o.saveTo.(type) {
	case starlark.NoneType:
	case starlark.String:
		if v == "" {
			return c, pyerr.Errorf("ValueError", "%s: for parameter save_to: empty file name", fn)
		}
		if st, err := os.Stat(string(v)); err == nil && st.IsDir() {
			return c, fmt.Errorf("%s: %w", fn, &pyerr.Error{Type: "IsADirectoryError", HasErrno: true, Errno: 21, Strerror: fmt.Sprintf("Is a directory: '%s'", string(v))})
		}
		if st, err := os.Stat(filepath.Dir(string(v))); err != nil || !st.IsDir() {
			return c, fmt.Errorf("%s: %w", fn, &pyerr.Error{Type: "FileNotFoundError", HasErrno: true, Errno: 2, Strerror: fmt.Sprintf("No such file or directory: '%s'", string(v))})
		}
		c.saveTo = string(v)
	default:
		return c, pyerr.Errorf("TypeError", "%s: for parameter save_to: got %s, want str (a file path)", fn, o.saveTo.Type())
	}
	switch v := o.proxy.(type) {
	case starlark.NoneType:
	case starlark.String:
		raw := string(v)
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw // as requests does for "127.0.0.1:3128"
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || u.Hostname() == "" {
			return c, pyerr.Errorf("ValueError", "%s: for parameter proxy: invalid proxy URL %q: it is malformed or has no host (want \"http://HOST:PORT\")", fn, string(v))
		}
		switch u.Scheme {
		case "http", "https", "socks5", "socks5h":
		default:
			return c, pyerr.Errorf("ValueError", "%s: for parameter proxy: unknown proxy scheme %q in %q (want http://, https:// or socks5://)", fn, u.Scheme, string(v))
		}
		c.proxy = u
	default:
		return c, pyerr.Errorf("TypeError", "%s: for parameter proxy: got %s, want str (\"http://HOST:PORT\")", fn, o.proxy.Type())
	}
	return c, nil
}

// client returns an HTTP client for c. It keeps no idle connections, so
// that a program leaves no connection goroutines behind; it uses a proxy
// only when c names one (never the environment's). Host names are
// resolved by the socket module's resolver (dial).
func (c config) client() (*gohttp.Client, error) {
	tlsConf := &tls.Config{InsecureSkipVerify: c.insecure}
	if c.caFile != "" {
		pem, err := os.ReadFile(c.caFile)
		if err != nil {
			return nil, pyerr.OSError(err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &pyerr.Error{Type: "SSLError", Module: "ssl", Chain: []string{"SSLError", "OSError"},
				Strerror: fmt.Sprintf("[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found in '%s'", c.caFile)}
		}
		tlsConf.RootCAs = pool
	}
	tr := &gohttp.Transport{
		DialContext:         dial,
		DisableKeepAlives:   true,
		TLSHandshakeTimeout: 10 * time.Second,
		TLSClientConfig:     tlsConf,
	}
	if c.proxy != nil {
		tr.Proxy = gohttp.ProxyURL(c.proxy)
	}
	follow := c.follow
	return &gohttp.Client{
		Transport: tr,
		CheckRedirect: func(req *gohttp.Request, via []*gohttp.Request) error {
			if !follow {
				return gohttp.ErrUseLastResponse
			}
			if len(via) >= maxRedirects {
				return &pyerr.Error{Type: "TooManyRedirects", Module: "requests.exceptions", Chain: []string{"TooManyRedirects", "OSError"},
					Strerror: fmt.Sprintf("Exceeded %d redirects.", maxRedirects)}
			}
			return nil
		},
	}, nil
}

// saveBody streams body into a file beside path and renames it to path
// once the whole body has arrived, so that a failed download leaves an
// existing file as it was. It returns the number of bytes written.
func saveBody(body io.Reader, path string) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return 0, pyerr.OSError(err)
	}
	tmp := f.Name()
	n, err := io.Copy(writerOnly{f}, body)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = pyerr.OSError(cerr)
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return n, err
	}
	return n, nil
}

// writerOnly hides *os.File's ReadFrom, so that io.Copy's errors say
// which side failed: a write error is the file's OSError.
type writerOnly struct{ f *os.File }

func (w writerOnly) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		return n, pyerr.OSError(err)
	}
	return n, nil
}

func isIP(s string) bool { return net.ParseIP(s) != nil }

// tlsError is Python's ssl.SSLCertVerificationError for a certificate
// that failed verification, worded as OpenSSL words it; nil for other
// errors.
func tlsError(err error) error {
	var reason string
	var uae x509.UnknownAuthorityError
	var he x509.HostnameError
	var cie x509.CertificateInvalidError
	switch {
	case errors.As(err, &uae):
		reason = "unable to get local issuer certificate"
		if uae.Cert != nil && bytes.Equal(uae.Cert.RawIssuer, uae.Cert.RawSubject) {
			reason = "self-signed certificate"
		}
	case errors.As(err, &he):
		kind := "Hostname"
		if u, perr := url.Parse("//" + he.Host); perr == nil && isIP(u.Hostname()) {
			kind = "IP address"
		}
		reason = fmt.Sprintf("%s mismatch, certificate is not valid for '%s'.", kind, he.Host)
	case errors.As(err, &cie):
		reason = cie.Error()
		if cie.Reason == x509.Expired {
			reason = "certificate has expired"
		}
	default:
		var cve *tls.CertificateVerificationError
		if !errors.As(err, &cve) {
			return nil
		}
		reason = cve.Err.Error()
	}
	return &pyerr.Error{Type: "SSLCertVerificationError", Module: "ssl", Chain: []string{"SSLCertVerificationError", "SSLError", "OSError"},
		Strerror: "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + reason, Err: err}
}
