// Package http registers netstar's http module: a small HTTP client for
// the client side of the course's HTTP lesson, and http.response for
// socket.serve_http handlers (its values are package httpvalue's).
package http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	gohttp "net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/netstar/netstar/builtins/httpvalue"
	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is the http module:
//
//	def get(url, *, headers={}, timeout=30, verify=True, ca=None, follow_redirects=True, save_to=None, proxy=None)
//	def post(url, body="", *, headers={}, timeout=30, ...the same options)
//	def request(method, url, body=None, *, headers={}, timeout=30, ...the same options)
//	def response(status=200, headers={}, body="")
//
// get, post and request return a response with status (int), headers
// (dict, lower-case names), body (bytes), text (str, decoded with the
// Content-Type charset), encoding (that charset, or None), cookies
// (dict name -> value of every Set-Cookie), ok (status < 400), url
// (after redirects), saved_to, size (body bytes received) and json().
// Each header's repeated values are joined with ", ", except
// Set-Cookie, which is a list when the server sent more than one. A
// status of 4xx or 5xx is a response, not an error; errors are
// connection failures (ConnectionRefusedError: [Errno 111] Connection
// refused), timeouts (TimeoutError: timed out), certificates that fail
// verification (ssl.SSLCertVerificationError), bad URLs and arguments
// (ValueError, TypeError) and Ctrl-C.
//
// Options, as requests and httpx name them:
//   - verify=False accepts any TLS certificate; ca="FILE" (or
//     verify="FILE") trusts the PEM certificates of FILE instead of the
//     system's.
//   - follow_redirects=False returns a 3xx as it came (its Location in
//     headers); by default at most 10 redirects are followed.
//   - save_to="PATH" streams the body to PATH (replaced only once the
//     whole body has arrived) without the 64 MiB cap of bodies held in
//     memory: body is then b"" and text "".
//   - proxy="http://HOST:PORT" sends the request through an HTTP proxy
//     (CONNECT for https://; socks5:// also works). Proxies from the
//     environment are never used.
//
// timeout covers the whole request, body included; timeout=None waits
// as long as the server takes (Ctrl-C still stops it). The client sends
// "User-Agent: netstar" unless headers names another, and the URL's host
// as Host unless headers has "Host" (as curl's -A and -H "Host: ..." do;
// a redirect gets its own URL's host).
//
// response builds the answer of a socket.serve_http handler.
var Module = &starlarkstruct.Module{
	Name: "http",
	Members: starlark.StringDict{
		"get":      starlark.NewBuiltin("http.get", get),
		"post":     starlark.NewBuiltin("http.post", post),
		"request":  starlark.NewBuiltin("http.request", request),
		"response": starlark.NewBuiltin("http.response", response),
	},
}

// MaxBodyBytes caps a response body read by the client into memory
// (save_to has no cap).
const MaxBodyBytes = 64 << 20

// maxRedirects is how many redirects the client follows, as net/http.
const maxRedirects = 10

const optionsDoc = "Options: verify=False (any certificate), ca=\"FILE\" (trust FILE's PEM certificates),\n" +
	"follow_redirects=False (return the 3xx), save_to=\"PATH\" (stream the body to a file, no 64 MiB cap),\n" +
	"proxy=\"http://HOST:PORT\". The response has status, headers, body, text (decoded with the charset\n" +
	"of Content-Type), encoding, cookies (dict of Set-Cookie), ok, url, saved_to, size, json().\n" +
	"headers['set-cookie'] is a list when the server sent several."

func init() {
	modules.Register(modules.Module{
		Name:  "http",
		Doc:   "HTTP client (get, post, request) and response() for socket.serve_http handlers",
		Value: Module,
		Docs: map[string]string{
			"http": "HTTP client (get, post, request) and response() for socket.serve_http handlers.\n" +
				"Example: r = http.get(\"http://127.0.0.1:8080/\"); print(r.status, r.text)",
			"http.get":      "get(url, headers={}, timeout=30, verify=True, ca=None, follow_redirects=True, save_to=None, proxy=None)\nSends GET and returns the response.\nA 404 is a response, not an error.\n" + optionsDoc,
			"http.post":     "post(url, body=\"\", headers={}, timeout=30, ...)\nSends POST with body (str or bytes) and returns the response; options as get's.\n" + optionsDoc,
			"http.request":  "request(method, url, body=None, headers={}, timeout=30, ...)\nSends any method and returns the response; options as get's.\n" + optionsDoc,
			"http.response": responseDoc,
		},
	})
}

// options are the keyword arguments every client call takes.
type options struct {
	headers, timeout, verify, ca, follow, saveTo, proxy starlark.Value
}

// unpack reads a client call's arguments: the positional ones named in
// pairs, then the options.
func unpack(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, pairs ...any) (options, error) {
	o := options{headers: starlark.None, timeout: starlark.MakeInt(30), verify: starlark.True, ca: starlark.None,
		follow: starlark.True, saveTo: starlark.None, proxy: starlark.None}
	pairs = append(pairs, "headers?", &o.headers, "timeout?", &o.timeout, "verify?", &o.verify, "ca?", &o.ca,
		"follow_redirects?", &o.follow, "save_to?", &o.saveTo, "proxy?", &o.proxy)
	return o, starlark.UnpackArgs(b.Name(), args, kwargs, pairs...)
}

func get(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var rawURL string
	o, err := unpack(b, args, kwargs, "url", &rawURL)
	if err != nil {
		return nil, err
	}
	return do(thread, b.Name(), "GET", rawURL, starlark.None, o)
}

func post(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var rawURL string
	var body starlark.Value = starlark.String("")
	o, err := unpack(b, args, kwargs, "url", &rawURL, "body?", &body)
	if err != nil {
		return nil, err
	}
	return do(thread, b.Name(), "POST", rawURL, body, o)
}

func request(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var method, rawURL string
	var body starlark.Value = starlark.None
	o, err := unpack(b, args, kwargs, "method", &method, "url", &rawURL, "body?", &body)
	if err != nil {
		return nil, err
	}
	return do(thread, b.Name(), method, rawURL, body, o)
}

// do sends one request. Everything Starlark is converted before the
// interpreter lock is released.
func do(thread *starlark.Thread, fn, method, rawURL string, body starlark.Value, o options) (starlark.Value, error) {
	if method == "" || strings.ContainsAny(method, " \t\r\n") {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter method: invalid method %q", fn, method)
	}
	method = strings.ToUpper(method)
	u, err := url.Parse(rawURL)
	if err != nil && strings.Contains(rawURL, "://") {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter url: %v", fn, err)
	}
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return nil, pyerr.Errorf("ValueError", "%s: unknown url type: '%s' (want http:// or https://)", fn, rawURL)
	}
	if u.Host == "" {
		return nil, pyerr.Errorf("ValueError", "%s: no host given in url '%s'", fn, rawURL)
	}
	var payload []byte
	switch x := body.(type) {
	case starlark.NoneType:
	case starlark.String:
		payload = []byte(x)
	case starlark.Bytes:
		payload = []byte(x)
	default:
		return nil, pyerr.Errorf("TypeError", "%s: for parameter body: got %s, want str or bytes (use json.encode for JSON)", fn, body.Type())
	}
	hdr := gohttp.Header{}
	var host string // a Host override: net/http sends req.Host, not a Host header
	if o.headers != starlark.None {
		d, ok := o.headers.(starlark.IterableMapping)
		if !ok {
			return nil, pyerr.Errorf("TypeError", "%s: for parameter headers: got %s, want dict", fn, o.headers.Type())
		}
		for _, kv := range d.Items() {
			k, ok1 := starlark.AsString(kv[0])
			v, ok2 := starlark.AsString(kv[1])
			if !ok1 || !ok2 || k == "" || strings.ContainsAny(k, " :\r\n") || strings.ContainsAny(v, "\r\n") {
				return nil, pyerr.Errorf("ValueError", "%s: for parameter headers: invalid header %s: %s", fn, kv[0], kv[1])
			}
			if strings.EqualFold(k, "Host") {
				if !validHost(v) {
					return nil, pyerr.Errorf("ValueError", "%s: for parameter headers: invalid Host %q", fn, v)
				}
				host = v
				continue
			}
			hdr.Add(k, v)
		}
	}
	if len(hdr.Values("User-Agent")) == 0 {
		// The caller's User-Agent wins, as curl's -A does.
		hdr.Set("User-Agent", "netstar")
	}
	limit, err := pyarg.Timeout(fn, "timeout", o.timeout, pyarg.TimeoutOptions{None: true})
	if err != nil {
		return nil, err
	}
	cfg, err := clientConfig(fn, o)
	if err != nil {
		return nil, err
	}
	client, err := cfg.client()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	defer client.CloseIdleConnections()

	type result struct {
		status int
		header gohttp.Header
		body   []byte
		url    string
		size   int64
	}
	res, err := interp.Blocking(thread, func(ctx context.Context) (result, error) {
		var cancel context.CancelFunc = func() {}
		if limit > 0 {
			ctx, cancel = context.WithTimeoutCause(ctx, limit, errTimedOut)
		}
		defer cancel()
		var rd io.Reader
		if payload != nil {
			rd = bytes.NewReader(payload)
		}
		req, err := gohttp.NewRequestWithContext(ctx, method, u.String(), rd)
		if err != nil {
			return result{}, pyerr.Errorf("ValueError", "%v", err)
		}
		req.Header = hdr
		if host != "" {
			req.Host = host // as curl -H "Host: ..." (redirects get their URL's host)
		}
		resp, err := client.Do(req)
		if err != nil {
			return result{}, clientError(ctx, err)
		}
		defer resp.Body.Close()
		r := result{status: resp.StatusCode, header: resp.Header, url: resp.Request.URL.String()}
		if cfg.saveTo != "" {
			r.size, err = saveBody(resp.Body, cfg.saveTo)
			if err != nil {
				return result{}, clientError(ctx, err)
			}
			return r, nil
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
		if err != nil {
			return result{}, clientError(ctx, err)
		}
		if len(data) > MaxBodyBytes {
			return result{}, pyerr.Errorf("ValueError", "response body is larger than %d MiB (save_to=PATH streams it to a file)", MaxBodyBytes>>20)
		}
		r.body, r.size = data, int64(len(data))
		return r, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return newClientResponse(res.status, res.header, res.body, res.url, res.size, cfg.saveTo), nil
}

var errTimedOut = errors.New("timed out")

// dialer connects to one address; names are resolved before (dial).
var dialer = &net.Dialer{Timeout: 30 * time.Second}

// dial connects to addr ("host:port") as Python's socket.create_connection
// does, with the resolver the socket module uses (resolve.Current:
// socket.setresolver, NETSTAR_RESOLVER, else /etc/hosts then DNS), so
// that a lab's resolver sees every name the client looks up and the
// system's never does. Each address is tried in the resolver's order;
// the first error is returned when none connects. A failed lookup is
// the resolver's socket.gaierror.
func dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("http: dial %q: %w", addr, err)
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return dialer.DialContext(ctx, network, addr)
	}
	ips, _, err := resolve.Current().LookupHost(ctx, host, 0, false)
	if err != nil {
		return nil, err
	}
	var first error
	for _, ip := range ips {
		conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if first == nil {
		first = resolve.GaiError(resolve.EAINoData)
	}
	return nil, first
}

// validHost reports whether v can be sent as a Host header: a host or
// host:port, without spaces, controls or path characters.
func validHost(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c == 0x7f || c == '/' || c == '\\' || c == '?' || c == '#' || c == '@' {
			return false
		}
	}
	return true
}

// clientError turns a transport failure into Python's exception.
func clientError(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), errTimedOut) {
		return &pyerr.Error{Type: "TimeoutError", Strerror: "timed out", Err: err}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &pyerr.Error{Type: "TimeoutError", Strerror: "timed out", Err: err}
	}
	if te := tlsError(err); te != nil {
		return te
	}
	if pe, ok := pyerr.As(err); ok {
		// The resolver's socket.gaierror (or a file's OSError, a
		// redirect limit), without net/http's wrapping.
		return pe
	}
	if pe := pyerr.OSError(err); pe != err {
		return pe
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &pyerr.Error{Type: "RemoteDisconnected", Strerror: "Remote end closed connection without response", Err: err}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &pyerr.Error{Type: "URLError", Strerror: ue.Err.Error(), Err: err}
	}
	return err
}

const responseDoc = `response(status=200, headers={}, body="")
Returns a response for a socket.serve_http handler: status is a final HTTP status (200-599), headers a dict
of str names to str values (or lists of them), body a str or bytes. The result has the fields
of the client's responses: status, headers, body, text, ok, url, json().`

// response is http.response(status=200, headers={}, body=""): a response
// for a serve_http handler to return, checked as the server checks one.
func response(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var status starlark.Value = starlark.MakeInt(200)
	var headers, body starlark.Value = starlark.None, starlark.String("")
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "status?", &status, "headers?", &headers, "body?", &body); err != nil {
		return nil, err
	}
	a, err := httpvalue.ToAnswer(starlark.Tuple{status, headers, body})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", b.Name(), err)
	}
	return httpvalue.ResponseFrom(a), nil
}
