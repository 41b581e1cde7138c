package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netstar/netstar/modules/socket/netnstest"
	"golang.org/x/sys/unix"
)

// TestFDLimit runs scans in a child process whose RLIMIT_NOFILE is 64,
// from a namespace to another with known listeners and 300 silent ports,
// asking for 1000 workers: the
// scanner must shrink its concurrency and still be exact, also when it
// is told a wrong limit and runs into EMFILE.
func TestFDLimit(t *testing.T) {
	n := netnstest.Start(t)
	var open []int
	for _, p := range []int{22, 1000, 1500, 2000} {
		if _, err := n.Remote.Serve(fmt.Sprintf("0.0.0.0:%d", p), ""); err != nil {
			t.Fatal(err)
		}
		open = append(open, p)
	}
	// Silent ports keep probes in flight, so descriptors run short.
	var dropped []int
	for p := 1001; p <= 1300; p++ {
		dropped = append(dropped, p)
	}
	if err := n.Remote.DropSYN(dropped...); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"rlimit", "emfile"} {
		cmd := n.Local.Command(os.Args[0], "-test.run=^TestFDLimitChild$", "-test.v")
		cmd.Env = append(os.Environ(), "NETSTAR_FDLIMIT_CHILD="+mode, "NETSTAR_FDLIMIT_TARGET="+n.Remote.Addr.String())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s child: %v\n%s", mode, err, out)
		}
		_, js, ok := strings.Cut(string(out), "RESULT ")
		if !ok {
			t.Fatalf("%s child printed no result:\n%s", mode, out)
		}
		js, _, _ = strings.Cut(js, "\n")
		var got childResult
		if err := json.Unmarshal([]byte(js), &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Open, open) || got.Closed != 2000-len(open)-len(dropped) || got.Filtered != len(dropped) {
			t.Errorf("%s: open %v (want %v), %d closed, %d filtered", mode, got.Open, open, got.Closed, got.Filtered)
		}
		if mode == "emfile" && got.LocalErrors == 0 {
			t.Errorf("emfile: no local error counted: the test proves nothing")
		}
		t.Logf("%s: %d local errors", mode, got.LocalErrors)
	}
}

type childResult struct {
	Open        []int
	Closed      int
	Filtered    int
	LocalErrors int
}

func TestFDLimitChild(t *testing.T) {
	mode := os.Getenv("NETSTAR_FDLIMIT_CHILD")
	if mode == "" {
		t.Skip("run by TestFDLimit")
	}
	// Start the runtime's network poller while descriptors remain: it
	// would otherwise start on first use, inside the shortage, and the
	// runtime aborts when its epoll_create fails.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
	rl := unix.Rlimit{Cur: 64, Max: 64}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	s := &Scanner{Workers: 1000, NoReverse: true, Timeout: 200 * time.Millisecond}
	if mode == "emfile" {
		s.fdLimit = 2000 // pretend there are plenty of descriptors
	}
	ts, _ := ParseTargets(os.Getenv("NETSTAR_FDLIMIT_TARGET"), 0)
	ports, _ := ParsePorts("1-2000")
	res, err := s.Scan(context.Background(), ts, ports)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	js, _ := json.Marshal(childResult{Open: r.Open(), Closed: len(r.Closed()), Filtered: len(r.Filtered()), LocalErrors: r.LocalErrors})
	fmt.Println("RESULT " + string(js))
}
