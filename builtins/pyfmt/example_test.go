package pyfmt_test

import (
	"fmt"

	"github.com/netstar/netstar/builtins/codec"
	"github.com/netstar/netstar/builtins/pyfmt"
	"go.starlark.net/starlark"
)

func ExampleRepr() {
	v, _ := codec.Decode("bytes.decode", "it's \xc3\xa9", "utf-8", "strict")
	fmt.Println(pyfmt.Repr(v))
	b, _ := codec.Encode("str.encode", "GET /\r\n", "ascii")
	fmt.Println(pyfmt.Repr(b))
	// Output:
	// "it's é"
	// b'GET /\r\n'
}

func ExamplePercent() {
	out, _ := pyfmt.Percent("%-10s|%5d|%6.2f", starlark.Tuple{starlark.String("ssh"), starlark.MakeInt(22), starlark.Float(0.125)})
	fmt.Println(out)
	// Output: ssh       |   22|  0.12
}

func ExampleFormat() {
	kwargs := []starlark.Tuple{{starlark.String("host"), starlark.String("127.0.0.1")}}
	out, _ := pyfmt.Format("{host:<12}{0:>6,} {1!r}", starlark.Tuple{starlark.MakeInt(65535), starlark.NewList([]starlark.Value{starlark.String("open")})}, kwargs)
	fmt.Println(out)
	// Output: 127.0.0.1   65,535 ['open']
}
