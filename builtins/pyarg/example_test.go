package pyarg_test

import (
	"fmt"
	"time"

	"github.com/netstar/netstar/builtins/pyarg"
	"go.starlark.net/starlark"
)

func ExampleTimeout() {
	d, _ := pyarg.Timeout("socket.scan", "timeout", starlark.Float(0.5), pyarg.TimeoutOptions{Max: time.Hour})
	fmt.Println(d)
	_, err := pyarg.Timeout("socket.scan", "timeout", starlark.MakeInt(0), pyarg.TimeoutOptions{Max: time.Hour})
	fmt.Println(err)
	// Output:
	// 500ms
	// ValueError: socket.scan: for parameter timeout: got 0, want a number of seconds in (0, 3600]
}
