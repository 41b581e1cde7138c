package resolve_test

import (
	"context"
	"fmt"

	"github.com/netstar/netstar/modules/socket/dnstest"
	"github.com/netstar/netstar/modules/socket/resolve"
)

func ExampleResolve() {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddA("www.lab.test", "10.0.0.80")
	resolve.SetServer(srv.Addr)
	defer resolve.SetServer("")

	res, err := resolve.Resolve(context.Background(), []string{"www.lab.test", "nope.lab.test"}, resolve.Options{Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res[0].Values)
	fmt.Println(res[1].Err)
	// Output:
	// [10.0.0.80]
	// socket.gaierror: [Errno -2] Name or service not known
}
