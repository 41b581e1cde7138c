package socket_test

import (
	"context"
	"fmt"

	"github.com/netstar/netstar/modules/socket"
	"github.com/netstar/netstar/modules/socket/dnstest"
)

func ExampleResolve() {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddA("www.lab.test", "10.0.0.80")
	socket.SetResolver(srv.Addr)
	defer socket.SetResolver("")

	res, err := socket.Resolve(context.Background(), []string{"www.lab.test", "nope.lab.test"}, socket.BulkOptions{Workers: 2})
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
