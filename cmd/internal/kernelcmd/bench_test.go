package kernelcmd

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkKernel measures, through jupyter_client, the netstar kernel
// side by side with ipykernel: start (start_kernel to the first
// kernel_info_reply) and a trivial cell's round trip (execute_request to
// its idle status). The means are reported as s/start and s/cell; the
// ratio of the two kernels is the figure that matters (issue 17: start at
// most 0.5× ipykernel's, a cell at most ipykernel's).
func BenchmarkKernel(b *testing.B) {
	needJupyter(b, "ipykernel")
	je := newJupyterEnv(b)
	script, err := filepath.Abs("testdata/bench.py")
	if err != nil {
		b.Fatal(err)
	}
	for _, what := range []struct{ name, unit, n string }{{"start", "s/start", "5"}, {"cell", "s/cell", "200"}} {
		for _, kernel := range []string{"netstar", "python3"} {
			b.Run(what.name+"/"+kernel, func(b *testing.B) {
				var sum float64
				for b.Loop() {
					out, err := je.python(b, script, kernel, what.name, what.n)
					if err != nil {
						b.Fatalf("%v\n%s", err, out)
					}
					_, after, found := strings.Cut(out, "RESULT ")
					line, _, _ := strings.Cut(after, "\n")
					v, err := strconv.ParseFloat(strings.TrimSpace(line), 64)
					if !found || err != nil {
						b.Fatalf("bench.py printed %q", out)
					}
					sum += v
				}
				b.ReportMetric(sum/float64(b.N), what.unit)
			})
		}
	}
}
