package main

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/netstar/netstar/repl/translate"
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

// coursePy200 is a course-style Python program of about 200 lines:
// functions with try/except/finally, f-strings and loops, defined and
// never called, so that the run is start-up and translation only.
func coursePy200() string {
	var b strings.Builder
	b.WriteString("import socket\nimport sys\n\n")
	for i := 0; b.Len() < 200*30 && strings.Count(b.String(), "\n") < 195; i++ {
		fmt.Fprintf(&b, `def comprobar%d(ip, portlist):
    try:
        for port in portlist:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(5)
            if sock.connect_ex((ip, port)) == 0:
                print(f"Puerto {port}: abierto")
            sock.close()
    except socket.error as error:
        print(str(error))
    finally:
        print("fin %d")

`, i, i)
	}
	b.WriteString("print(1)\n")
	return b.String()
}

// BenchmarkStartupPythonFile times `netstar FILE.py` on a 200-line
// course-style program (translated in memory, then run); compare with
// BenchmarkStartupTranslatedFile, the same program already translated:
// the difference is what translating adds to start-up (goal: at most
// 10 ms).
func BenchmarkStartupPythonFile(b *testing.B) {
	path := writeTemp(b, "course.py", []byte(coursePy200()))
	benchExec(b, netstarBinary(b), path)
}

// BenchmarkStartupTranslatedFile times `netstar FILE.star` on the
// translation of BenchmarkStartupPythonFile's program.
func BenchmarkStartupTranslatedFile(b *testing.B) {
	res, err := translate.Python("course.py", []byte(coursePy200()))
	if err != nil || len(res.TODOs) > 0 {
		b.Fatalf("translate: %v %v", err, res.TODOs)
	}
	path := writeTemp(b, "course.star", []byte(res.Code))
	benchExec(b, netstarBinary(b), path)
}
