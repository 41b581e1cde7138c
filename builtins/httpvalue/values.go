// Package httpvalue holds the Starlark values of HTTP that the http and
// socket modules share: the request a serve_http handler receives, the
// response http.response builds and the http client returns, and the
// conversion of a handler's answer (str, tuple, dict or response) to Go.
package httpvalue

import (
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
)

// Request is the value a handler receives: the HTTP request, seen from
// Starlark. Its dicts are built on first use and then reused; the body
// has been read completely before the handler runs.
//
//	req.method       "GET"
//	req.path         the decoded path, without the query ("/a b")
//	req.query        dict: name -> first value ("?a=1&a=2" gives {"a": "1"})
//	req.headers      dict: lower-case name -> value (repeated headers joined by ", ")
//	req.body         bytes
//	req.text         the body as str (invalid UTF-8 replaced)
//	req.json()       the body decoded as JSON
//	req.remote_addr  the client's address as a tuple ("127.0.0.1", 54321), as accept() gives it
//	req.url          the full URL as the client asked for it
type Request struct {
	r       *http.Request
	body    []byte
	headers *starlark.Dict
	query   *starlark.Dict
	frozen  bool
}

// NewRequest returns the Starlark view of r whose body has been read
// into body.
func NewRequest(r *http.Request, body []byte) *Request {
	return &Request{r: r, body: body}
}

var requestAttrs = []string{"body", "headers", "json", "method", "path", "query", "remote_addr", "text", "url"}

func (q *Request) String() string {
	return fmt.Sprintf("<request %s %s>", q.r.Method, q.r.URL.RequestURI())
}
func (q *Request) Type() string         { return "request" }
func (q *Request) Truth() starlark.Bool { return true }
func (q *Request) Hash() (uint32, error) {
	return 0, fmt.Errorf("unhashable type: request")
}
func (q *Request) Freeze() {
	q.frozen = true
	if q.headers != nil {
		q.headers.Freeze()
	}
	if q.query != nil {
		q.query.Freeze()
	}
}

// AttrNames lists the request's fields.
func (q *Request) AttrNames() []string { return requestAttrs }

// Attr returns a field of the request.
func (q *Request) Attr(name string) (starlark.Value, error) {
	switch name {
	case "method":
		return starlark.String(q.r.Method), nil
	case "path":
		return starlark.String(q.r.URL.Path), nil
	case "body":
		return starlark.Bytes(q.body), nil
	case "text":
		return starlark.String(strings.ToValidUTF8(string(q.body), "\uFFFD")), nil
	case "url":
		return starlark.String("http://" + q.r.Host + q.r.RequestURI), nil
	case "remote_addr":
		host, port, err := net.SplitHostPort(q.r.RemoteAddr)
		if err != nil {
			return starlark.String(q.r.RemoteAddr), nil
		}
		p, _ := strconv.Atoi(port)
		return starlark.Tuple{starlark.String(host), starlark.MakeInt(p)}, nil
	case "headers":
		if q.headers == nil {
			q.headers = headerDict(q.r.Header)
			if q.frozen {
				q.headers.Freeze()
			}
		}
		return q.headers, nil
	case "query":
		if q.query == nil {
			values := q.r.URL.Query()
			d := starlark.NewDict(len(values))
			for _, k := range sortedKeys(values) {
				d.SetKey(starlark.String(k), starlark.String(values[k][0]))
			}
			if q.frozen {
				d.Freeze()
			}
			q.query = d
		}
		return q.query, nil
	case "json":
		return jsonMethod("request.json", q.body), nil
	}
	return nil, nil
}

// headerDict converts a header to a dict of lower-case names, sorted so
// that printing it is stable.
func headerDict(h http.Header) *starlark.Dict {
	d := starlark.NewDict(len(h))
	for _, k := range sortedKeys(h) {
		d.SetKey(starlark.String(strings.ToLower(k)), starlark.String(strings.Join(h[k], ", ")))
	}
	return d
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonMethod returns a builtin decoding body as JSON with go.starlark.net's
// json.decode; name is its qualified name.
func jsonMethod(name string, body []byte) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		if !utf8.Valid(body) {
			return nil, fmt.Errorf("%s: body is not UTF-8 text", b.Name())
		}
		v, err := starlark.Call(thread, json.Module.Members["decode"], starlark.Tuple{starlark.String(body)}, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", b.Name(), err)
		}
		return v, nil
	})
}

// Response is an HTTP response: what http.response(...) builds for a
// handler to return, and what the http client module returns.
//
//	r.status    int
//	r.headers   dict: lower-case name -> value
//	r.body      bytes
//	r.text      the body as str (invalid UTF-8 replaced)
//	r.ok        status < 400
//	r.url       the URL that answered ("" for one built with http.response)
//	r.json()    the body decoded as JSON
type Response struct {
	Status  int
	Headers *starlark.Dict
	Body    []byte
	URL     string
}

var responseAttrs = []string{"body", "headers", "json", "ok", "status", "text", "url"}

func (r *Response) String() string       { return fmt.Sprintf("<response [%d]>", r.Status) }
func (r *Response) Type() string         { return "response" }
func (r *Response) Truth() starlark.Bool { return true }
func (r *Response) Freeze() {
	if r.Headers != nil {
		r.Headers.Freeze()
	}
}
func (r *Response) Hash() (uint32, error) {
	return 0, fmt.Errorf("unhashable type: response")
}

// AttrNames lists the response's fields.
func (r *Response) AttrNames() []string { return responseAttrs }

// Attr returns a field of the response.
func (r *Response) Attr(name string) (starlark.Value, error) {
	switch name {
	case "status":
		return starlark.MakeInt(r.Status), nil
	case "headers":
		if r.Headers == nil {
			r.Headers = starlark.NewDict(0)
		}
		return r.Headers, nil
	case "body":
		return starlark.Bytes(r.Body), nil
	case "text":
		return starlark.String(strings.ToValidUTF8(string(r.Body), "\uFFFD")), nil
	case "ok":
		return starlark.Bool(r.Status < 400), nil
	case "url":
		return starlark.String(r.URL), nil
	case "json":
		return jsonMethod("response.json", r.Body), nil
	}
	return nil, nil
}

// ResponseFrom is the response value of an answer, as http.response
// returns it: its headers are a dict of lower-case names, with a list for
// a repeated header.
func ResponseFrom(a Answer) *Response {
	d := starlark.NewDict(len(a.Header))
	for _, k := range sortedKeys(a.Header) {
		vs := a.Header[k]
		var v starlark.Value = starlark.String(vs[0])
		if len(vs) > 1 {
			l := make([]starlark.Value, len(vs))
			for i, s := range vs {
				l[i] = starlark.String(s)
			}
			v = starlark.NewList(l)
		}
		d.SetKey(starlark.String(strings.ToLower(k)), v)
	}
	return &Response{Status: a.Status, Headers: d, Body: a.Body}
}

var (
	_ starlark.HasAttrs = (*Request)(nil)
	_ starlark.HasAttrs = (*Response)(nil)
)
