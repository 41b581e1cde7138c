package socket

import "testing"

// TestDocs checks that every function and method has help text, so the
// documentation cannot drift from the module.
func TestDocs(t *testing.T) {
	for name := range functions {
		if docs["socket."+name] == "" {
			t.Errorf("no doc for socket.%s", name)
		}
	}
	for name := range socketMethods {
		if docs["socket."+name] == "" {
			t.Errorf("no doc for method socket.%s", name)
		}
	}
	for _, name := range []string{"socket", "gethostbyname", "getservbyport", "AF_INET", "SOCK_STREAM", "SO_REUSEADDR",
		"SO_BROADCAST", "IPPROTO_TCP", "IPPROTO_UDP", "TCP_NODELAY", "SHUT_RDWR", "has_ipv6", "error", "gaierror",
		"herror", "timeout", "AF_UNIX", "AF_INET6", "SOL_SOCKET", "SOCK_DGRAM", "resolve", "reverse", "setresolver"} {
		if _, ok := Module.Members[name]; !ok {
			t.Errorf("socket.%s missing", name)
		}
	}
}
