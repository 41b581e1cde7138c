package interp_test

import (
	"fmt"
	"os"

	"github.com/netstar/netstar/builtins/codec"
	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// A program runs in a Session, on a thread of the session, holding the
// interpreter lock. The course's Python lines are accepted.
func Example() {
	s := interp.New(interp.Config{Stdout: os.Stdout, Argv: []string{"hello.star"}})
	defer s.Close()
	thread := s.NewThread("main")
	src := `
from interptest import double
n = 0
while n < 3:
    n += 1
if __name__ == "__main__":
    print("double", n, "=", double(n))
    print(len("é".encode("utf-8")), "bytes")
`
	s.Lock()
	_, err := s.ExecFile(thread, "hello.star", []byte(src))
	s.Unlock()
	if err != nil {
		fmt.Println(interp.FormatError(err))
	}
	// Output:
	// double 3 = 6
	// 2 bytes
}

func ExampleRepr() {
	v, _ := codec.Decode("bytes.decode", "it's \xc3\xa9", "utf-8", "strict")
	fmt.Println(pyfmt.Repr(v))
	b, _ := codec.Encode("str.encode", "GET /\r\n", "ascii")
	fmt.Println(pyfmt.Repr(b))
	// Output:
	// "it's é"
	// b'GET /\r\n'
}

func ExampleFormatError() {
	_, err := interp.Parse("bad.star", []byte("x = 1\nx = )\n"))
	fmt.Println(interp.FormatError(err))
	// Output:
	// bad.star:2:5: syntax error: unexpected ')'
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
