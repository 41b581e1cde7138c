package idna_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/codec"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/idna"
	"go.starlark.net/starlark"
)

// idnaNames are host names people type, in the languages of the course
// and beyond, and the edges of Python's idna codec.
var idnaNames = []string{
	"españa.es", "ESPAÑA.ES", "Ñandú.com.ar", "straße.de", "bücher.example.", "日本.jp",
	"пример.рф", "παράδειγμα.δοκιμή", "xn--espaa-rta.es", "españa。es", "españa．es", "Ⅷ.com",
	"a_b.ñ.com", "WWW.Google.com", "", ".", "ñ.", "a..b", "ñ..es", strings.Repeat("ñ", 70) + ".es",
	strings.Repeat("a", 63) + ".ñ", strings.Repeat("a", 64) + ".ñ", "café-ñ.test", "-ñ-.test",
	strings.Repeat("a", 64), strings.Repeat("a", 64) + ".", "x." + strings.Repeat("a", 63), "a.b.", "..",
}

// TestIDNAAgainstPython encodes names with str.encode("idna") and decodes
// the results with bytes.decode("idna"), in netstar and in python3.
func TestIDNAAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3 to compare the idna codec against")
	}
	in, _ := json.Marshal(idnaNames)
	const prog = `
import json, sys
for n in json.loads(sys.stdin.read()):
    try:
        b = n.encode("idna")
        try:
            d = "ok " + b.decode("idna")
        except Exception as e:
            d = "E " + type(e).__name__ + ": " + str(e)
        print(json.dumps(["ok " + b.decode("ascii"), d]))
    except Exception as e:
        print(json.dumps(["E " + type(e).__name__ + ": " + str(e), ""]))
`
	cmd := exec.Command(py, "-c", prog)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(idnaNames) {
		t.Fatalf("python3 printed %d lines for %d names", len(lines), len(idnaNames))
	}
	for i, name := range idnaNames {
		var want [2]string
		if err := json.Unmarshal([]byte(lines[i]), &want); err != nil {
			t.Fatal(err)
		}
		var got [2]string
		b, err := codec.Encode("encode", starlark.String(name), "idna")
		if err != nil {
			got[0] = "E " + pyText(err)
		} else {
			got[0] = "ok " + string(b.(starlark.Bytes))
			if s, err := codec.Decode("decode", b.(starlark.Bytes), "idna", "strict"); err != nil {
				got[1] = "E " + pyText(err)
			} else {
				got[1] = "ok " + string(s.(starlark.String))
			}
		}
		if got != want {
			t.Errorf("%q: netstar %q, python3 %q", name, got, want)
		}
	}
}

func pyText(err error) string {
	if pe, ok := pyerr.As(err); ok {
		return pe.Type + ": " + pe.Str()
	}
	return err.Error()
}

func FuzzEncodeIDNA(f *testing.F) {
	for _, n := range idnaNames {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		a, err := idna.Encode(name)
		if err != nil {
			if _, ok := pyerr.As(err); !ok {
				t.Fatalf("%q: error %v is not a Python exception", name, err)
			}
			return
		}
		for i := 0; i < len(a); i++ {
			if a[i] >= 0x80 {
				t.Fatalf("%q encodes to non-ASCII %q", name, a)
			}
		}
		if _, err := idna.Decode(a); err != nil {
			if _, ok := pyerr.As(err); !ok {
				t.Fatalf("%q: decode error %v is not a Python exception", a, err)
			}
		}
	})
}
