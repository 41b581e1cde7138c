package main

import (
	"os/exec"
	"testing"
)

// BenchmarkStartup times `netstar -c 'print(1)'`, a whole process.
// Compare with BenchmarkStartupPython3 from the same run (or use
// `go run ./cmd/netstar-bench startup`, which alternates them).
func BenchmarkStartup(b *testing.B) {
	bin := netstarBinary(b)
	benchExec(b, bin, "-c", "print(1)")
}

// BenchmarkStartupPython3 times `python3 -c 'print(1)'` for comparison.
func BenchmarkStartupPython3(b *testing.B) {
	py, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("needs python3")
	}
	benchExec(b, py, "-c", "print(1)")
}

func benchExec(b *testing.B, name string, args ...string) {
	for i := 0; i < b.N; i++ {
		out, err := exec.Command(name, args...).Output()
		if err != nil || string(out) != "1\n" {
			b.Fatalf("%s: %v (output %q)", name, err, out)
		}
	}
}
