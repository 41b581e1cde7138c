package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netstar/netstar/builtins/table"
	"github.com/netstar/netstar/modules/socket/netnstest"
	"github.com/netstar/netstar/modules/socket/scan"
)

func init() {
	register(command{name: "scan", summary: "socket.scan vs nmap -sT -T5 -n: full loopback scan and a scan with filtered ports", run: runScanBench})
	register(command{name: "scan-child", hidden: true, run: runScanChild})
}

// scanOutcome is what one scanner run found, and what it cost.
type scanOutcome struct {
	Open     []int         `json:"open"`
	Filtered []int         `json:"filtered"`
	Closed   int           `json:"closed"`
	Elapsed  time.Duration `json:"elapsed"` // as the scanner reports it
	Wall     time.Duration `json:"-"`       // the whole process
	MaxRSS   int64         `json:"-"`       // KB
}

func runScanBench(args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 5, "alternating runs per scenario")
	nmapPath := fs.String("nmap", "nmap", "nmap binary")
	timeout := fs.Duration("timeout", 500*time.Millisecond, "probe timeout of the filtered scenario")
	if err := fs.Parse(args); err != nil {
		return err
	}
	lab, err := newScanLab(*runs, *nmapPath)
	if err != nil {
		return err
	}
	defer lab.n.Close()
	nmap, self, n := lab.nmap, lab.self, lab.n

	fmt.Fprintf(stdout, "netstar-bench scan: %d alternating runs per scenario, GOMAXPROCS=%d, %s\n", *runs, runtime.GOMAXPROCS(0), scanNmapVersion(nmap))
	fmt.Fprintf(stdout, "namespaces %s (scanner) and %s (remote, %s), joined by veth\n\n", n.Local.Name, n.Remote.Name, n.Remote.Addr)

	// Scenario 1: the loopback of a namespace, 11 listeners, 4 of them in
	// the ephemeral range.
	var open []int
	for _, addr := range []string{"127.0.0.1:22", "0.0.0.0:80", "127.0.0.1:443", "127.0.0.1:3306", "127.0.0.1:8080",
		"127.0.0.1:9000", "127.0.0.1:32768", "127.0.0.1:40000", "127.0.0.1:50505", "127.0.0.1:60999", "127.0.0.1:65535"} {
		p, err := n.Local.Serve(addr, "")
		if err != nil {
			return err
		}
		open = append(open, p)
	}
	slices.Sort(open)
	full := scanScenario{
		title:   "full scan of the namespace's loopback: 65535 ports, 11 listening (4 in 32768-60999)",
		ns:      n.Local,
		target:  "127.0.0.1",
		ports:   "1-65535",
		timeout: time.Second,
		want:    scanOutcome{Open: open, Filtered: []int{}, Closed: 65535 - len(open)},
		nmap:    nmap,
		self:    self,
	}
	if err := full.run(*runs, func(net, nm []scanOutcome) []string {
		var notes []string
		ratio := float64(scanMedian(scanWalls(net))) / float64(max(1, scanMedian(scanWalls(nm))))
		if len(nm) > 0 {
			notes = append(notes, fmt.Sprintf("median wall time: netstar %s, nmap %s, ratio %.2f (goal <= 0.50)", scanSecs(scanMedian(scanWalls(net))), scanSecs(scanMedian(scanWalls(nm))), ratio))
		} else {
			notes = append(notes, fmt.Sprintf("median wall time: netstar %s", scanSecs(scanMedian(scanWalls(net)))))
		}
		notes = append(notes, fmt.Sprintf("max RSS: netstar %.1f MB (goal < 50 MB)%s", scanMb(scanMaxRSS(net)), scanOptional(len(nm) > 0, fmt.Sprintf(", nmap %.1f MB", scanMb(scanMaxRSS(nm))))))
		return notes
	}); err != nil {
		return err
	}

	// Scenario 2: 3000 ports of the remote namespace, 1000 dropped.
	var ropen, filtered []int
	for _, p := range []int{22, 80, 443, 2500} {
		if _, err := n.Remote.Serve(fmt.Sprintf("0.0.0.0:%d", p), ""); err != nil {
			return err
		}
		ropen = append(ropen, p)
	}
	for p := 1001; p <= 2000; p++ {
		filtered = append(filtered, p)
	}
	if err := n.Remote.DropSYN(filtered...); err != nil {
		return err
	}
	remote := scanScenario{
		title:   fmt.Sprintf("3000 ports of the remote namespace, 1000 dropped by iptables, timeout %s, 1 retry", *timeout),
		ns:      n.Local,
		target:  n.Remote.Addr.String(),
		ports:   "1-3000",
		timeout: *timeout,
		want:    scanOutcome{Open: ropen, Filtered: filtered, Closed: 3000 - len(ropen) - len(filtered)},
		nmap:    nmap,
		self:    self,
	}
	return remote.run(*runs, func(net, nm []scanOutcome) []string {
		m := scanMedian(scanElapseds(net))
		notes := []string{fmt.Sprintf("median netstar scan time %s = %.2fx the timeout (goal <= 2.5x)", scanSecs(m), float64(m)/float64(*timeout))}
		if len(nm) > 0 {
			notes = append(notes, fmt.Sprintf("median wall time: netstar %s, nmap %s", scanSecs(scanMedian(scanWalls(net))), scanSecs(scanMedian(scanWalls(nm)))))
		}
		return notes
	})
}

type scanScenario struct {
	title   string
	ns      *netnstest.Namespace
	target  string
	ports   string
	timeout time.Duration
	want    scanOutcome
	nmap    string
	self    string
}

// run alternates netstar and nmap runs and prints a table and notes.
func (sc *scanScenario) run(runs int, notes func(net, nm []scanOutcome) []string) error {
	fmt.Fprintln(stdout, sc.title)
	var net, nm []scanOutcome
	var rows [][]string
	allExact := true
	for i := range runs {
		o, err := sc.runNetstar()
		if err != nil {
			return fmt.Errorf("netstar run %d: %w", i+1, err)
		}
		net = append(net, o)
		exact := sc.exact(o)
		allExact = allExact && exact
		row := []string{strconv.Itoa(i + 1), scanSecs(o.Wall), scanSecs(o.Elapsed), scanYesNo(exact), fmt.Sprintf("%.1f", scanMb(o.MaxRSS))}
		if sc.nmap != "" {
			m, err := sc.runNmap()
			if err != nil {
				return fmt.Errorf("nmap run %d: %w", i+1, err)
			}
			nm = append(nm, m)
			row = append(row, scanSecs(m.Wall), scanYesNo(sc.exact(m)), fmt.Sprintf("%.1f", scanMb(m.MaxRSS)), fmt.Sprintf("%.2f", float64(o.Wall)/float64(m.Wall)))
		}
		rows = append(rows, row)
	}
	header := []string{"run", "netstar wall", "scan time", "exact", "RSS MB"}
	if sc.nmap != "" {
		header = append(header, "nmap wall", "exact", "RSS MB", "ratio")
	}
	fmt.Fprint(stdout, table.Render(header, rows))
	for _, note := range notes(net, nm) {
		fmt.Fprintln(stdout, note)
	}
	if !allExact {
		fmt.Fprintln(stdout, "netstar was NOT exact in every run")
	}
	for i, o := range net {
		if !sc.exact(o) {
			fmt.Fprintf(stdout, "  netstar run %d: open %v, %d filtered, %d closed\n", i+1, o.Open, len(o.Filtered), o.Closed)
		}
	}
	for i, o := range nm {
		if !sc.exact(o) {
			fmt.Fprintf(stdout, "  nmap run %d: open %v, %d filtered, %d closed\n", i+1, o.Open, len(o.Filtered), o.Closed)
		}
	}
	fmt.Fprintln(stdout)
	return nil
}

func (sc *scanScenario) exact(o scanOutcome) bool {
	return slices.Equal(o.Open, sc.want.Open) && slices.Equal(o.Filtered, sc.want.Filtered) && o.Closed == sc.want.Closed
}

// runNetstar runs the scanner in a child process inside the namespace, so
// that its wall time and memory are measured like nmap's.
func (sc *scanScenario) runNetstar() (scanOutcome, error) {
	cmd := sc.ns.Command(sc.self, "scan-child", "-target", sc.target, "-ports", sc.ports, "-timeout", sc.timeout.String())
	cmd.Stderr = stderr
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		return scanOutcome{}, err
	}
	var o scanOutcome
	if err := json.Unmarshal(out, &o); err != nil {
		return o, fmt.Errorf("child output %q: %w", out, err)
	}
	o.Wall, o.MaxRSS = wall, scanMaxrss(cmd.ProcessState)
	return o, nil
}

// runScanChild is the child: one scan from the current namespace,
// printed as JSON.
func runScanChild(args []string) error {
	fs := flag.NewFlagSet("scan-child", flag.ContinueOnError)
	target := fs.String("target", "127.0.0.1", "")
	ports := fs.String("ports", "-", "")
	timeout := fs.Duration("timeout", time.Second, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ts, err := scan.ParseTargets(*target, 0)
	if err != nil {
		return err
	}
	ps, err := scan.ParsePorts(*ports)
	if err != nil {
		return err
	}
	s := &scan.Scanner{Timeout: *timeout, NoReverse: true}
	res, err := s.Scan(context.Background(), ts, ps)
	if err != nil {
		return err
	}
	r := res[0]
	return json.NewEncoder(stdout).Encode(scanOutcome{Open: r.Open(), Filtered: r.Filtered(), Closed: len(r.Closed()), Elapsed: r.Elapsed})
}

var (
	nmapPortLine = regexp.MustCompile(`^(\d+)/tcp\s+(open|closed|filtered)\s`)
	nmapNotShown = regexp.MustCompile(`(\d+) (closed|filtered) tcp ports`)
)

// runNmap runs nmap -sT -T5 -n in the namespace and reads its normal
// output: the port table and the "Not shown: N closed tcp ports, M
// filtered tcp ports" line (ports it does not list are only counted).
func (sc *scanScenario) runNmap() (scanOutcome, error) {
	cmd := sc.ns.Command(sc.nmap, "-sT", "-T5", "-n", "-p", sc.ports, sc.target)
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, ee.Stderr)
		}
		return scanOutcome{}, err
	}
	o := scanOutcome{Open: []int{}, Filtered: []int{}, Wall: wall, MaxRSS: scanMaxrss(cmd.ProcessState)}
	unlisted := 0
	lines := bufio.NewScanner(strings.NewReader(string(out)))
	for lines.Scan() {
		line := lines.Text()
		if m := nmapPortLine.FindStringSubmatch(line); m != nil {
			p, _ := strconv.Atoi(m[1])
			switch m[2] {
			case "open":
				o.Open = append(o.Open, p)
			case "filtered":
				o.Filtered = append(o.Filtered, p)
			case "closed":
				o.Closed++
			}
			continue
		}
		if strings.HasPrefix(line, "Not shown:") {
			for _, m := range nmapNotShown.FindAllStringSubmatch(line, -1) {
				k, _ := strconv.Atoi(m[1])
				if m[2] == "closed" {
					o.Closed += k
				} else {
					unlisted += k
				}
			}
		}
	}
	sort.Ints(o.Open)
	sort.Ints(o.Filtered)
	if unlisted > 0 && len(o.Filtered) == 0 && unlisted == len(sc.want.Filtered) {
		o.Filtered = sc.want.Filtered // counted, not listed: the count matches
	} else if unlisted > 0 {
		o.Filtered = append(o.Filtered, make([]int, unlisted)...) // a mismatch either way
	}
	return o, nil
}

func scanNmapVersion(nmap string) string {
	if nmap == "" {
		return "nmap not installed"
	}
	out, err := exec.Command(nmap, "--version").Output()
	if err != nil {
		return "nmap (version unknown)"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

func scanMaxrss(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

func scanWalls(os []scanOutcome) []time.Duration {
	var ds []time.Duration
	for _, o := range os {
		ds = append(ds, o.Wall)
	}
	return ds
}

func scanElapseds(os []scanOutcome) []time.Duration {
	var ds []time.Duration
	for _, o := range os {
		ds = append(ds, o.Elapsed)
	}
	return ds
}

func scanMedian(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func scanMaxRSS(os []scanOutcome) int64 {
	var m int64
	for _, o := range os {
		m = max(m, o.MaxRSS)
	}
	return m
}

func scanSecs(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }
func scanMb(kb int64) float64         { return float64(kb) / 1024 }
func scanYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}
func scanOptional(b bool, s string) string {
	if b {
		return s
	}
	return ""
}

// scanLab is what the scan and shards benchmarks start from: nmap (""
// when it is not installed), this binary, and a pair of namespaces.
type scanLab struct {
	nmap, self string
	n          *netnstest.Net
}

// newScanLab checks the -runs flag, finds nmap and makes the namespaces;
// the caller closes lab.n.
func newScanLab(runs int, nmapPath string) (*scanLab, error) {
	if runs < 1 {
		return nil, fmt.Errorf("-runs %d: must be at least 1", runs)
	}
	if err := netnstest.Available(); err != nil {
		return nil, err
	}
	nmap, err := exec.LookPath(nmapPath)
	if err != nil {
		fmt.Fprintf(stdout, "nmap not found (%v): only netstar runs\n", err)
		nmap = ""
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	n, err := netnstest.New()
	if err != nil {
		return nil, err
	}
	return &scanLab{nmap: nmap, self: self, n: n}, nil
}
