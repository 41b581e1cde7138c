package interp_test

import (
	"fmt"
	"os"

	"github.com/netstar/netstar/repl/interp"
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

func ExampleFormatError() {
	_, err := interp.Parse("bad.star", []byte("x = 1\nx = )\n"))
	fmt.Println(interp.FormatError(err))
	// Output:
	// bad.star:2:5: syntax error: unexpected ')'
}
