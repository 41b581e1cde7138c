// Package codec converts between str and bytes as Python's codecs do:
// str.encode and bytes.decode with utf-8, ascii, latin-1 and idna, and
// the errors= handlers strict, replace, ignore and backslashreplace.
package codec

import (
	"strings"
	"unicode/utf8"

	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/idna"
	"go.starlark.net/starlark"
)

// codec returns the canonical name of a supported encoding: "utf-8",
// "ascii", "latin-1" or "idna"; anything else is Python's LookupError.
func codec(fn, encoding string) (string, error) {
	switch strings.ReplaceAll(strings.ToLower(encoding), "_", "-") {
	case "utf-8", "utf8", "u8":
		return "utf-8", nil
	case "ascii", "us-ascii":
		return "ascii", nil
	case "latin-1", "latin1", "iso-8859-1":
		return "latin-1", nil
	case "idna":
		return "idna", nil
	}
	return "", pyerr.Errorf("LookupError", "%s: unknown encoding: %s", fn, encoding)
}

// checkErrors accepts the error handlers netstar implements.
func checkErrors(fn, errs string) error {
	switch errs {
	case "strict", "replace", "ignore":
		return nil
	}
	return pyerr.Errorf("LookupError", "%s: unknown error handler name '%s'", fn, errs)
}

// Encode converts a string to bytes as Python's str.encode does for
// UTF-8, ASCII and Latin-1, with errors="strict".
func Encode(fn string, s starlark.String, encoding string) (starlark.Value, error) {
	return EncodeErrors(fn, s, encoding, "strict")
}

// EncodeErrors is Encode with Python's errors argument: "strict" fails
// with UnicodeEncodeError, "replace" writes '?', "ignore" drops the
// character.
func EncodeErrors(fn string, s starlark.String, encoding, errs string) (starlark.Value, error) {
	enc, err := codec(fn, encoding)
	if err != nil {
		return nil, err
	}
	if err := checkErrors(fn, errs); err != nil {
		return nil, err
	}
	switch enc {
	case "utf-8":
		return starlark.Bytes(s), nil
	case "idna":
		if errs != "strict" {
			return nil, pyerr.Errorf("UnicodeError", "encoding with 'idna' codec failed (UnicodeError: unsupported error handling %s)", errs)
		}
		name, err := idna.Encode(string(s))
		if err != nil {
			return nil, err
		}
		return starlark.Bytes(name), nil
	}
	limit := rune(0x7f)
	if enc == "latin-1" {
		limit = 0xff
	}
	runes := []rune(string(s))
	out := make([]byte, 0, len(runes))
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r <= limit {
			out = append(out, byte(r))
			continue
		}
		switch errs {
		case "replace":
			out = append(out, '?')
			continue
		case "ignore":
			continue
		}
		// Python reports the whole run of unencodable characters.
		j := i + 1
		for j < len(runes) && runes[j] > limit {
			j++
		}
		if j-i == 1 {
			return nil, pyerr.Errorf("UnicodeEncodeError", "'%s' codec can't encode character '%s' in position %d: ordinal not in range(%d)", enc, pyfmt.EscapeRune(r), i, limit+1)
		}
		return nil, pyerr.Errorf("UnicodeEncodeError", "'%s' codec can't encode characters in position %d-%d: ordinal not in range(%d)", enc, i, j-1, limit+1)
	}
	return starlark.Bytes(out), nil
}

// Decode converts bytes to a string as Python's bytes.decode does for
// UTF-8, ASCII and Latin-1; errs is "strict", "replace" or "ignore".
// Invalid UTF-8 is split into errors as CPython does (one U+FFFD per
// maximal invalid subsequence), and a strict failure has CPython's text.
func Decode(fn string, b starlark.Bytes, encoding, errs string) (starlark.Value, error) {
	enc, err := codec(fn, encoding)
	if err != nil {
		return nil, err
	}
	if err := checkErrors(fn, errs); err != nil {
		return nil, err
	}
	var sb strings.Builder
	switch enc {
	case "idna":
		if errs != "strict" {
			return nil, pyerr.Errorf("UnicodeError", "decoding with 'idna' codec failed (UnicodeError: Unsupported error handling %s)", errs)
		}
		name, err := idna.Decode(string(b))
		if err != nil {
			return nil, err
		}
		return starlark.String(name), nil
	case "latin-1":
		for i := 0; i < len(b); i++ {
			sb.WriteRune(rune(b[i]))
		}
		return starlark.String(sb.String()), nil
	case "ascii":
		for i := 0; i < len(b); i++ {
			if b[i] < 0x80 {
				sb.WriteByte(b[i])
				continue
			}
			switch errs {
			case "replace":
				sb.WriteRune(utf8.RuneError)
			case "strict":
				return nil, pyerr.Errorf("UnicodeDecodeError", "'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in range(128)", b[i], i)
			}
		}
		return starlark.String(sb.String()), nil
	}
	s := string(b)
	if utf8.ValidString(s) {
		return starlark.String(s), nil
	}
	for i := 0; i < len(s); {
		n, reason := utf8Seq(s[i:])
		if reason == "" {
			sb.WriteString(s[i : i+n])
			i += n
			continue
		}
		switch errs {
		case "replace":
			sb.WriteRune(utf8.RuneError)
		case "strict":
			if n == 1 {
				return nil, pyerr.Errorf("UnicodeDecodeError", "'utf-8' codec can't decode byte 0x%02x in position %d: %s", s[i], i, reason)
			}
			return nil, pyerr.Errorf("UnicodeDecodeError", "'utf-8' codec can't decode bytes in position %d-%d: %s", i, i+n-1, reason)
		}
		i += n
	}
	return starlark.String(sb.String()), nil
}

// utf8Seq measures the UTF-8 sequence at the start of s (non-empty). For
// a valid sequence it returns its length and "". For an invalid one it
// returns the length of the maximal invalid subsequence and CPython's
// reason: "invalid start byte", "invalid continuation byte" or
// "unexpected end of data".
func utf8Seq(s string) (int, string) {
	c := s[0]
	var size int
	lo, hi := byte(0x80), byte(0xbf) // valid range of the second byte
	switch {
	case c < 0x80:
		return 1, ""
	case 0xc2 <= c && c <= 0xdf:
		size = 2
	case 0xe0 <= c && c <= 0xef:
		size = 3
		if c == 0xe0 {
			lo = 0xa0
		} else if c == 0xed {
			hi = 0x9f
		}
	case 0xf0 <= c && c <= 0xf4:
		size = 4
		if c == 0xf0 {
			lo = 0x90
		} else if c == 0xf4 {
			hi = 0x8f
		}
	default:
		return 1, "invalid start byte"
	}
	for k := 1; k < size; k++ {
		if k >= len(s) {
			return k, "unexpected end of data"
		}
		if s[k] < lo || s[k] > hi {
			return k, "invalid continuation byte"
		}
		lo, hi = 0x80, 0xbf
	}
	return size, ""
}
