package json_test

import (
	"testing"

	"github.com/netstar/netstar/modules"
	nsjson "github.com/netstar/netstar/modules/json"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
	"go.starlark.net/lib/json"
)

func TestJSON(t *testing.T) {
	res := interptest.Run(t, "t.star", `
assert.eq(dir(json), ["decode", "dumps", "encode", "encode_indent", "indent", "loads"])
assert.eq(json.dumps({"a": [1, "x", None, True]}), '{"a": [1, "x", null, true]}')
assert.eq(json.dumps({"k,:": "ñ😀"}), '{"k,:": "\\u00f1\\ud83d\\ude00"}')
assert.eq(json.dumps([1, [2]], indent=2), '[\n  1,\n  [\n    2\n  ]\n]')
assert.fails(lambda: json.dumps([1], indent="x"), "json.dumps: for parameter indent")
assert.eq(json.loads('{"a": [1, 2.5, null]}'), {"a": [1, 2.5, None]})
assert.eq(json.loads(json.dumps({"k": ("t",)})), {"k": ["t"]})
assert.eq(json.decode("[1]"), json.loads("[1]"))
assert.eq(json.loads("nope", None), None)
assert.eq(json.indent('{"a":1}'), '{\n\t"a": 1\n}')
# the method rewrite leaves json's own encode/decode alone
s = json.encode("é")
assert.eq(s, '"é"')
assert.eq(json.decode(s), "é")
assert.fails(lambda: json.loads("{"), "json.decode: at offset 1, unexpected end of file")
assert.fails(lambda: json.dumps(lambda: 1), "json.dumps: .*cannot encode function as JSON")
assert.fails(lambda: json.loads(1), "json.decode: for parameter x: got int, want string")
`, interp.Config{})
	if res.Err != nil {
		t.Fatal(interp.FormatError(res.Err))
	}
}

func TestRegistered(t *testing.T) {
	m, ok := modules.Lookup("json")
	if !ok || m.Value != nsjson.Module {
		t.Fatal("json not registered")
	}
	if nsjson.Module.Members["loads"] != json.Module.Members["decode"] {
		t.Error("loads is not decode")
	}
	if modules.Doc("json.encode") == "" || modules.Doc("json.decode") == "" {
		t.Error("json's docs are missing")
	}
}
