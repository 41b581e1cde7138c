package socket

import (
	"context"
	"net/netip"

	"github.com/netstar/netstar/modules/socket/resolve"
	"go.starlark.net/starlark"
)

// bindHost turns serve_http's host= argument into the address to bind,
// with the module's resolver (resolve.Current: socket.setresolver,
// NETSTAR_RESOLVER, else /etc/hosts then DNS), so that a name in a lab
// is asked of the lab's DNS server and never of the system's. "" (every
// interface) and "localhost" are left to the server; numeric forms are
// parsed as glibc parses them ("127.1"), without a query. A name with
// several addresses binds its first IPv4 one, as Python's
// http.server (AF_INET) does, else its first. A failed lookup is the
// resolver's socket.gaierror.
func bindHost(thread *starlark.Thread, b *starlark.Builtin, host string) (string, error) {
	if host == "" || host == "localhost" {
		return host, nil
	}
	addrs, err := blocking(thread, b, func(ctx context.Context) ([]netip.Addr, error) {
		a, _, err := resolve.Current().LookupHost(ctx, host, 0, false)
		return a, err
	})
	if err != nil {
		return "", err
	}
	pick := addrs[0]
	for _, a := range addrs {
		if a.Is4() {
			pick = a
			break
		}
	}
	return pick.String(), nil
}
