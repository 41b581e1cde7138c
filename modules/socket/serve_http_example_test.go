package socket_test

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/netstar/netstar/modules/http/httpserve"
	"github.com/netstar/netstar/modules/socket"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// A Starlark function served from Go, without socket.serve_http.
func ExampleHTTPHandler() {
	s := interp.New(interp.Config{})
	defer s.Close()
	th := s.NewThread("main")
	s.Lock()
	globals, err := s.ExecFile(th, "hello.star", []byte("def hello(req):\n    return 200, {'X-Path': req.path}, 'hi ' + req.query['name']\n"))
	s.Unlock()
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := httpserve.Listen(httpserve.Config{
		Addr:    "127.0.0.1:0",
		Handler: &socket.HTTPHandler{Session: s, Fn: globals["hello"].(starlark.Callable)},
		Timeout: 5 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Start()
	defer srv.Close()
	resp, err := http.Get(srv.URL() + "greet?name=ana")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("X-Path"), string(body))
	// Output: 200 /greet hi ana
}
