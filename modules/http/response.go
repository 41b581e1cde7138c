package http

import (
	"mime"
	gohttp "net/http"
	"sort"
	"strings"

	"github.com/netstar/netstar/builtins/codec"
	"github.com/netstar/netstar/builtins/httpvalue"
	"go.starlark.net/starlark"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// clientResponse is what get, post and request return: the fields of
// http.response's values (status, headers, body, url, ok, json()) plus
// what only a client sees. text is the body decoded with the charset of
// Content-Type; encoding names that charset (None when the server gave
// none); cookies maps each Set-Cookie name to its value; saved_to is
// the file of save_to= (None otherwise) and size the number of body
// bytes received, in memory or on disk.
type clientResponse struct {
	*httpvalue.Response
	encoding string // the charset parameter, as sent; "" for none
	cookies  *starlark.Dict
	savedTo  string
	size     int64
}

var clientAttrs = []string{"body", "cookies", "encoding", "headers", "json", "ok", "saved_to", "size", "status", "text", "url"}

// AttrNames lists the response's fields.
func (r *clientResponse) AttrNames() []string { return clientAttrs }

// Attr returns a field of the response.
func (r *clientResponse) Attr(name string) (starlark.Value, error) {
	switch name {
	case "text":
		return starlark.String(decodeText(r.Body, r.encoding)), nil
	case "encoding":
		if r.encoding == "" {
			return starlark.None, nil
		}
		return starlark.String(r.encoding), nil
	case "cookies":
		return r.cookies, nil
	case "saved_to":
		if r.savedTo == "" {
			return starlark.None, nil
		}
		return starlark.String(r.savedTo), nil
	case "size":
		return starlark.MakeInt64(r.size), nil
	}
	return r.Response.Attr(name)
}

// Freeze freezes the response's dicts.
func (r *clientResponse) Freeze() {
	r.Response.Freeze()
	r.cookies.Freeze()
}

// newClientResponse builds the value of a response: header names in
// lower case, each header's values joined with ", " (RFC 9110) except
// Set-Cookie, which cannot be joined: repeated, it is a list of its
// values, as http.response's dicts hold repeated headers.
func newClientResponse(status int, header gohttp.Header, body []byte, url string, size int64, savedTo string) *clientResponse {
	h := starlark.NewDict(len(header))
	keys := make([]string, 0, len(header))
	for k := range header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vs := header[k]
		var v starlark.Value = starlark.String(strings.Join(vs, ", "))
		if strings.EqualFold(k, "Set-Cookie") && len(vs) > 1 {
			l := make([]starlark.Value, len(vs))
			for i, s := range vs {
				l[i] = starlark.String(s)
			}
			v = starlark.NewList(l)
		}
		h.SetKey(starlark.String(strings.ToLower(k)), v)
	}
	cookies := starlark.NewDict(0)
	for _, c := range (&gohttp.Response{Header: header}).Cookies() {
		cookies.SetKey(starlark.String(c.Name), starlark.String(c.Value))
	}
	return &clientResponse{
		Response: &httpvalue.Response{Status: status, Headers: h, Body: body, URL: url},
		encoding: charsetOf(header.Get("Content-Type")),
		cookies:  cookies,
		savedTo:  savedTo,
		size:     size,
	}
}

// charsetOf returns the charset parameter of a Content-Type, or "".
func charsetOf(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.Trim(params["charset"], `"' `)
}

// pythonNames are Python codec spellings that are no IANA name.
var pythonNames = map[string]string{
	"utf8": "utf-8", "latin-1": "iso-8859-1", "latin1": "iso-8859-1", "l1": "iso-8859-1",
	"cp1252": "windows-1252", "cp1251": "windows-1251", "sjis": "shift_jis", "eucjp": "euc-jp",
}

// lookupCharset returns the decoder of a charset name (IANA's names and
// aliases, and Python's spellings such as "latin-1" and "utf8"), or nil.
// ISO-8859-1 is Latin-1 proper, as Python decodes it, not the WHATWG's
// windows-1252.
func lookupCharset(name string) encoding.Encoding {
	n := strings.ToLower(strings.TrimSpace(name))
	if alias, ok := pythonNames[strings.ReplaceAll(n, "_", "-")]; ok {
		n = alias
	} else if alias, ok := pythonNames[n]; ok {
		n = alias
	}
	if n == "utf-8" {
		return unicode.UTF8
	}
	enc, err := ianaindex.IANA.Encoding(n)
	if err != nil || enc == nil {
		return nil
	}
	return enc
}

// decodeText decodes a body as requests' r.text does: with the charset
// the server declared, malformed bytes replaced by U+FFFD; UTF-8 when it
// declared none or one that is unknown (requests would guess; UTF-8 is
// the web's default).
func decodeText(body []byte, charset string) string {
	if enc := lookupCharset(charset); enc != nil && enc != unicode.UTF8 {
		if out, err := enc.NewDecoder().Bytes(body); err == nil {
			return strings.ToValidUTF8(string(out), "\uFFFD")
		}
	}
	// One U+FFFD per maximal invalid sequence, as CPython's "replace".
	if s, err := codec.Decode("response.text", starlark.Bytes(body), "utf-8", "replace"); err == nil {
		if str, ok := s.(starlark.String); ok {
			return string(str)
		}
	}
	return strings.ToValidUTF8(string(body), "\uFFFD")
}

var _ starlark.HasAttrs = (*clientResponse)(nil)
