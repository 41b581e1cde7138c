package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestBadResolverEnvRefusedAtStart: a malformed NETSTAR_RESOLVER stops
// the interpreter (a program, -c, step) before anything runs, with the
// error netstar scan gives for the same value (one parser,
// resolve.EnvServer), instead of silently using the system resolver.
func TestBadResolverEnvRefusedAtStart(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"garbage", `NETSTAR_RESOLVER: resolver address "garbage": want an IP address and an optional port, e.g. "127.0.0.1:5353"`},
		{"localhost:5353", `NETSTAR_RESOLVER: resolver address "localhost:5353": want an IP address`},
		{"127.1:5353", `NETSTAR_RESOLVER: resolver address "127.1:5353": want an IP address`},
		{" 127.0.0.1:5353", `NETSTAR_RESOLVER: resolver address " 127.0.0.1:5353": want an IP address`},
		{"127.0.0.1:99999", `NETSTAR_RESOLVER: resolver address "127.0.0.1:99999": port "99999": want 1-65535`},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv("NETSTAR_RESOLVER", tc.value)
			for _, args := range [][]string{{"-c", `print("ran")`}, {"scan", "127.0.0.1", "-p", "9"}} {
				var stdout, stderr bytes.Buffer
				status := run(args, streams{Stdout: &stdout, Stderr: &stderr})
				if status != 2 || stdout.Len() != 0 || !strings.Contains(stderr.String(), tc.want) {
					t.Errorf("netstar %q: status %d, stdout %q, stderr %q; want 2, nothing, %q", args, status, stdout.String(), stderr.String(), tc.want)
				}
			}
		})
	}
	t.Run("good value runs", func(t *testing.T) {
		t.Setenv("NETSTAR_RESOLVER", "127.0.0.1:5353")
		var stdout, stderr bytes.Buffer
		if status := run([]string{"-c", `print("ran")`}, streams{Stdout: &stdout, Stderr: &stderr}); status != 0 || stdout.String() != "ran\n" {
			t.Errorf("status %d, stdout %q, stderr %q", status, stdout.String(), stderr.String())
		}
	})
}
