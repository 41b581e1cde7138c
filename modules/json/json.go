// Package json registers go.starlark.net's json module (encode, decode,
// indent, encode_indent) under netstar's registry, with Python's
// json.dumps and json.loads as aliases.
package json

import (
	"github.com/netstar/netstar/modules"
	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is json from go.starlark.net/lib/json plus the aliases
//
//	def dumps(obj, indent=None, ensure_ascii=True)   Python's json.dumps: encode, spaced as Python spaces it
//	def loads(s)   same as decode
var Module = &starlarkstruct.Module{Name: "json", Members: members()}

func members() starlark.StringDict {
	m := starlark.StringDict{}
	for k, v := range json.Module.Members {
		m[k] = v
	}
	m["dumps"] = starlark.NewBuiltin("json.dumps", dumps)
	m["loads"] = json.Module.Members["decode"]
	return m
}

func init() {
	modules.Register(modules.Module{
		Name:  "json",
		Doc:   "encode values as JSON and decode JSON (encode/dumps, decode/loads, indent)",
		Value: Module,
		Docs: map[string]string{
			"json.encode":        "encode(x)\nReturns the JSON text of x (None, bools, numbers, strings, lists, tuples, dicts, and values with attributes).",
			"json.decode":        "decode(s, default=unset)\nReturns the value of the JSON text s; with default, returns it instead of failing.",
			"json.indent":        "indent(s, prefix=\"\", indent=\"\\t\")\nReturns the JSON text s re-indented.",
			"json.encode_indent": "encode_indent(x, prefix=\"\", indent=\"\\t\")\nSame as indent(encode(x)).",
		},
	})
}
