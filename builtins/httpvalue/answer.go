package httpvalue

import (
	"fmt"
	"net/http"
	"strings"

	"go.starlark.net/starlark"
)

// Answer is a handler's return value converted to Go, so that writing
// it needs no interpreter lock.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// ReturnHint lists what a handler may return, for error messages.
const ReturnHint = "return a str, bytes, (status, body), (status, headers, body), a dict with status/headers/body, or http.response(...)"

// ToAnswer converts what a handler returned: a str or bytes (status
// 200), (status, body), (status, headers, body), a dict with status,
// headers and body, or a *Response. The caller holds the interpreter
// lock (the value may be a shared, mutable dict).
func ToAnswer(v starlark.Value) (Answer, error) {
	switch x := v.(type) {
	case starlark.String:
		return Answer{Status: 200, Body: []byte(x)}, nil
	case starlark.Bytes:
		return Answer{Status: 200, Body: []byte(x)}, nil
	case starlark.Tuple:
		switch len(x) {
		case 2:
			return makeAnswer(x[0], starlark.None, x[1])
		case 3:
			return makeAnswer(x[0], x[1], x[2])
		}
		return Answer{}, fmt.Errorf("handler returned a tuple of %d items; want (status, body) or (status, headers, body)", len(x))
	case *starlark.Dict:
		var status starlark.Value = starlark.MakeInt(200)
		var headers, body starlark.Value = starlark.None, starlark.String("")
		for k, val := range x.Entries() {
			key, _ := starlark.AsString(k)
			switch key {
			case "status":
				status = val
			case "headers":
				headers = val
			case "body":
				body = val
			default:
				return Answer{}, fmt.Errorf("handler returned a dict with key %s; want only status, headers, body", k)
			}
		}
		return makeAnswer(status, headers, body)
	case *Response:
		var headers starlark.Value = starlark.None
		if x.Headers != nil {
			headers = x.Headers
		}
		return makeAnswer(starlark.MakeInt(x.Status), headers, starlark.Bytes(x.Body))
	case starlark.NoneType:
		return Answer{}, fmt.Errorf("handler returned None; %s", ReturnHint)
	}
	return Answer{}, fmt.Errorf("handler returned %s; %s", v.Type(), ReturnHint)
}

func makeAnswer(status, headers, body starlark.Value) (Answer, error) {
	var a Answer
	n, ok := status.(starlark.Int)
	if !ok {
		return a, fmt.Errorf("status: got %s, want int", status.Type())
	}
	code, err := starlark.AsInt32(n)
	if err != nil || code < 100 || code > 599 {
		return a, fmt.Errorf("status: %s is out of range (100-599)", n)
	}
	if code < 200 {
		return a, fmt.Errorf("status: %d is not a final HTTP status (200-599)", code)
	}
	a.Status = code
	switch b := body.(type) {
	case starlark.String:
		a.Body = []byte(b)
	case starlark.Bytes:
		a.Body = []byte(b)
	case starlark.NoneType:
	default:
		return a, fmt.Errorf("body: got %s, want str or bytes (use json.encode for JSON)", body.Type())
	}
	if headers == starlark.None {
		return a, nil
	}
	d, ok := headers.(starlark.IterableMapping)
	if !ok {
		return a, fmt.Errorf("headers: got %s, want dict", headers.Type())
	}
	items := d.Items()
	a.Header = make(http.Header, len(items))
	for _, kv := range items {
		name, ok := starlark.AsString(kv[0])
		if !ok || !validHeaderName(name) {
			return a, fmt.Errorf("headers: invalid header name %s", kv[0])
		}
		key := http.CanonicalHeaderKey(name)
		add := func(v starlark.Value) error {
			var s string
			switch x := v.(type) {
			case starlark.String:
				s = string(x)
			case starlark.Int:
				s = x.String()
			default:
				return fmt.Errorf("headers: value of %s: got %s, want str", name, v.Type())
			}
			if !validHeaderValue(s) {
				return fmt.Errorf("headers: invalid value for %s: %q", name, s)
			}
			a.Header[key] = append(a.Header[key], s)
			return nil
		}
		if l, ok := kv[1].(*starlark.List); ok {
			for i := 0; i < l.Len(); i++ {
				if err := add(l.Index(i)); err != nil {
					return a, err
				}
			}
			continue
		}
		if err := add(kv[1]); err != nil {
			return a, err
		}
	}
	return a, nil
}

// validHeaderName reports whether name is an RFC 9110 token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v has no control characters other
// than tab (no CR or LF that would split the header).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
