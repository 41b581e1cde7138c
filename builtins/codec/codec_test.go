package codec_test

import (
	"fmt"
	"math/rand"
	"os/exec"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/codec"

	"github.com/netstar/netstar/builtins/pyerr"
	"go.starlark.net/starlark"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		in, enc, errs string
		want          string // the decoded text, if wantErr is ""
		wantErr       string // Python's str(e) after "fn: " is not added
		wantType      string
	}{
		{"h\xc3\xa9llo", "utf-8", "strict", "héllo", "", ""},
		{"abc", "UTF8", "strict", "abc", "", ""},
		{"abc", "u8", "strict", "abc", "", ""},
		{"\xff", "utf-8", "strict", "", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte", "UnicodeDecodeError"},
		{"ok\xff\xfe", "utf-8", "strict", "", "'utf-8' codec can't decode byte 0xff in position 2: invalid start byte", "UnicodeDecodeError"},
		{"\xc3", "utf-8", "strict", "", "'utf-8' codec can't decode byte 0xc3 in position 0: unexpected end of data", "UnicodeDecodeError"},
		{"\xc3A", "utf-8", "strict", "", "'utf-8' codec can't decode byte 0xc3 in position 0: invalid continuation byte", "UnicodeDecodeError"},
		{"\xe2\x82", "utf-8", "strict", "", "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data", "UnicodeDecodeError"},
		{"\xe2\x82A", "utf-8", "strict", "", "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte", "UnicodeDecodeError"},
		{"a\xf0\x9f\x98", "utf-8", "strict", "", "'utf-8' codec can't decode bytes in position 1-3: unexpected end of data", "UnicodeDecodeError"},
		{"\xed\xa0\x80", "utf-8", "strict", "", "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte", "UnicodeDecodeError"},
		{"\xc0\x80", "utf-8", "strict", "", "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte", "UnicodeDecodeError"},
		{"\xf4\x90\x80\x80", "utf-8", "strict", "", "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte", "UnicodeDecodeError"},
		{"ok\xff\xfe", "utf-8", "replace", "ok\ufffd\ufffd", "", ""},
		{"\xe2\x82A", "utf-8", "replace", "\ufffdA", "", ""},
		{"\xed\xa0\x80", "utf-8", "replace", "\ufffd\ufffd\ufffd", "", ""},
		{"a\xf0\x9f\x98", "utf-8", "replace", "a\ufffd", "", ""},
		{"ok\xff\xfe!", "utf-8", "ignore", "ok!", "", ""},
		{"abc", "ascii", "strict", "abc", "", ""},
		{"\xc3\xa9", "ascii", "strict", "", "'ascii' codec can't decode byte 0xc3 in position 0: ordinal not in range(128)", "UnicodeDecodeError"},
		{"\xc3\xa9", "ascii", "replace", "\ufffd\ufffd", "", ""},
		{"a\xc3\xa9b", "ascii", "ignore", "ab", "", ""},
		{"\xe9\xff", "latin-1", "strict", "éÿ", "", ""},
		{"\xe9", "ISO-8859-1", "strict", "é", "", ""},
		{"x", "ebcdic", "strict", "", "fn: unknown encoding: ebcdic", "LookupError"},
		{"x", "utf-8", "bogus", "", "fn: unknown error handler name 'bogus'", "LookupError"},
	}
	for _, tt := range tests {
		v, err := codec.Decode("fn", starlark.Bytes(tt.in), tt.enc, tt.errs)
		name := fmt.Sprintf("%q.decode(%q, %q)", tt.in, tt.enc, tt.errs)
		if tt.wantErr != "" {
			pe, ok := pyerr.As(err)
			if !ok || pe.Str() != tt.wantErr || pe.Type != tt.wantType {
				t.Errorf("%s: error %v, want %s: %s", name, err, tt.wantType, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if v != starlark.String(tt.want) {
			t.Errorf("%s = %q, want %q", name, v, tt.want)
		}
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		in, enc, errs string
		want          string
		wantErr       string
	}{
		{"héllo", "utf-8", "strict", "h\xc3\xa9llo", ""},
		{"abc", "ascii", "strict", "abc", ""},
		{"é€", "latin-1", "strict", "", "'latin-1' codec can't encode character '\\u20ac' in position 1: ordinal not in range(256)"},
		{"aé", "ascii", "strict", "", "'ascii' codec can't encode character '\\xe9' in position 1: ordinal not in range(128)"},
		{"aé€b", "ascii", "strict", "", "'ascii' codec can't encode characters in position 1-2: ordinal not in range(128)"},
		{"a😀", "ascii", "strict", "", "'ascii' codec can't encode character '\\U0001f600' in position 1: ordinal not in range(128)"},
		{"aé€", "ascii", "replace", "a??", ""},
		{"aé€", "ascii", "ignore", "a", ""},
		{"é€", "latin-1", "replace", "\xe9?", ""},
		{"x", "koi8-r", "strict", "", "fn: unknown encoding: koi8-r"},
	}
	for _, tt := range tests {
		v, err := codec.EncodeErrors("fn", starlark.String(tt.in), tt.enc, tt.errs)
		name := fmt.Sprintf("%q.encode(%q, %q)", tt.in, tt.enc, tt.errs)
		if tt.wantErr != "" {
			pe, ok := pyerr.As(err)
			if !ok || pe.Str() != tt.wantErr {
				t.Errorf("%s: error %v, want %s", name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if v != starlark.Bytes(tt.want) {
			t.Errorf("%s = %q, want %q", name, v, tt.want)
		}
	}
	// Encode is EncodeErrors with "strict".
	if _, err := codec.Encode("fn", "é", "ascii"); err == nil {
		t.Error(`Encode("é", "ascii") succeeded`)
	}
}

// TestDecodeAgainstPython decodes random byte strings with each error
// handler and compares with python3.
func TestDecodeAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare decoding against")
	}
	rng := rand.New(rand.NewSource(2))
	pieces := []string{"a", "é", "€", "😀", "\x80", "\xbf", "\xc2", "\xe0", "\xe0\xa0", "\xed\xa0", "\xf0\x9f", "\xf4\x90", "\xf5", "\xff", "\xc0"}
	var inputs []string
	var prog strings.Builder
	prog.WriteString("import sys\nfor h in sys.stdin.read().split():\n    b = bytes.fromhex(h) if h != '-' else b''\n    for e in ('strict', 'replace', 'ignore'):\n        try:\n            print(b.decode('utf-8', e).encode('utf-8').hex() or '-')\n        except UnicodeDecodeError as x:\n            print('E', str(x).replace(' ', '_'))\n")
	var hexes []string
	for i := 0; i < 300; i++ {
		var sb strings.Builder
		for n := rng.Intn(5); n > 0; n-- {
			sb.WriteString(pieces[rng.Intn(len(pieces))])
		}
		inputs = append(inputs, sb.String())
		h := fmt.Sprintf("%x", sb.String())
		if h == "" {
			h = "-"
		}
		hexes = append(hexes, h)
	}
	cmd := exec.Command(py, "-c", prog.String())
	cmd.Stdin = strings.NewReader(strings.Join(hexes, " "))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != 3*len(inputs) {
		t.Fatalf("python3 printed %d lines, want %d", len(lines), 3*len(inputs))
	}
	for i, in := range inputs {
		for j, h := range []string{"strict", "replace", "ignore"} {
			want := lines[3*i+j]
			var got string
			v, err := codec.Decode("fn", starlark.Bytes(in), "utf-8", h)
			if err != nil {
				pe, _ := pyerr.As(err)
				got = "E " + strings.ReplaceAll(pe.Str(), " ", "_")
			} else if got = fmt.Sprintf("%x", string(v.(starlark.String))); got == "" {
				got = "-"
			}
			if got != want {
				t.Errorf("%q.decode('utf-8', %q): got %s, python3 %s", in, h, got, want)
			}
		}
	}
}
