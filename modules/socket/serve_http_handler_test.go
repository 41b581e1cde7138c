package socket_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestHandlerBacktraceBounded: a handler that recurses without end logs
// a short backtrace, as CPython's traceback does: identical frames
// collapse into "[Previous line repeated N more times]", and a
// backtrace of frames that differ (mutual recursion) keeps its first
// and last frames and says how many it left out. Each used to log its
// full stack: 100k lines, 3.2 MB per request.
func TestHandlerBacktraceBounded(t *testing.T) {
	cases := []struct {
		name, src string
		want      []*regexp.Regexp // in the request's log entry
	}{
		{"recursion", `
def f(n):
    return f(n + 1)
def h(req):
    return f(0)
`, []*regexp.Regexp{
			regexp.MustCompile(`\n  t\.star:4:13: in f\n  t\.star:4:13: in f\n  t\.star:4:13: in f\n  \[Previous line repeated \d+ more times\]\n`),
		}},
		{"mutual recursion", `
def a(n):
    return b(n + 1)
def b(n):
    return a(n + 1)
def h(req):
    return a(0)
`, []*regexp.Regexp{
			regexp.MustCompile(`\n  t\.star:8:13: in h\n  t\.star:4:13: in a\n  t\.star:6:13: in b\n`),
			regexp.MustCompile(`\n  \[\d+ frames left out\]\n`),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			url := e.serve(t, "import socket\n"+c.src, ", handler=h")
			resp, _ := do(t, "GET", url, "", nil)
			if resp.StatusCode != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500", resp.StatusCode)
			}
			out := e.log.WaitFor(t, `"GET / HTTP/1.1" 500 -`)
			if n := strings.Count(out, "\n"); n > 120 || len(out) > 16<<10 {
				t.Errorf("log of one request: %d lines, %d bytes; want at most 120 lines, 16 KiB:\n%.3000s", n, len(out), out)
			}
			for _, re := range c.want {
				if !re.MatchString(out) {
					t.Errorf("log lacks %s:\n%.3000s", re, out)
				}
			}
		})
	}
}
