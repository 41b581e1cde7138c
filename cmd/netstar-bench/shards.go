package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/netstar/netstar/builtins/table"
	"github.com/netstar/netstar/cmd/internal/scancmd"
)

func init() {
	register(command{name: "shards", summary: "netstar scan vs nmap -sT -T5 -n on 127.0.0.0/16 × 3 ports; memory; 4 shards vs 1", run: runShardsBench})
	register(command{name: "shards-child", hidden: true, run: func(args []string) error {
		if code := scancmd.Main(args, os.Stdin, stdout, stderr); code != 0 {
			return fmt.Errorf("netstar scan exited %d", code)
		}
		return nil
	}})
}

// shardListeners are the open (address, port) pairs of the bench.
var shardListeners = []string{"127.0.0.1:22", "127.0.3.7:80", "127.0.15.200:443", "127.0.99.1:22", "127.0.255.254:80"}

type shardRun struct {
	name   string
	wall   time.Duration
	rss    int64 // KB
	probes int
	open   int
}

func runShardsBench(args []string) error {
	fs := flag.NewFlagSet("shards", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 3, "alternating runs of netstar and nmap")
	nmapPath := fs.String("nmap", "nmap", "nmap binary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	lab, err := newScanLab(*runs, *nmapPath)
	if err != nil {
		return err
	}
	defer lab.n.Close()
	nmap, self, n := lab.nmap, lab.self, lab.n
	for _, a := range shardListeners {
		if _, err := n.Local.Serve(a, ""); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "netstar-shards")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	const space, ports, probes = "127.0.0.0/16", "22,80,443", 65536 * 3
	fmt.Fprintf(stdout, "netstar-bench shards: %s × %s (%d probes, all answered) in namespace %s, GOMAXPROCS=%d, %s\n\n",
		space, ports, probes, n.Local.Name, runtime.GOMAXPROCS(0), scanNmapVersion(nmap))

	netstar := func(name string, extra ...string) *exec.Cmd {
		out := filepath.Join(dir, name+".jsonl")
		a := append([]string{"shards-child", space, "-Pn", "-p", ports, "--seed", "1", "-oJ", out}, extra...)
		return n.Local.Command(self, a...)
	}
	// The shard comparison starts each process in the namespace through
	// --netns, as a pod starts in its own, without ip netns exec.
	direct := func(name string, extra ...string) *exec.Cmd {
		out := filepath.Join(dir, name+".jsonl")
		a := append([]string{"shards-child", space, "-Pn", "-p", ports, "--seed", "1", "--netns", n.Local.Path, "-oJ", out}, extra...)
		return exec.Command(self, a...)
	}
	tiny := func() *exec.Cmd {
		return exec.Command(self, "shards-child", "127.0.0.1", "-p", "22", "--seed", "1", "--netns", n.Local.Path, "-oJ", os.DevNull)
	}
	var rows [][]string
	var netRuns, nmapRuns []shardRun
	for i := range *runs {
		r, err := shardMeasure("netstar", netstar("whole"))
		if err != nil {
			return err
		}
		r.probes, r.open, err = countJSONL(filepath.Join(dir, "whole.jsonl"))
		if err != nil {
			return err
		}
		netRuns = append(netRuns, r)
		rows = append(rows, shardRow(i+1, r))
		if nmap != "" {
			out := filepath.Join(dir, "nmap.gnmap")
			r, err := shardMeasure("nmap -sT -T5 -n -Pn", n.Local.Command(nmap, "-sT", "-T5", "-n", "-Pn", "-p", ports, "-oG", out, space))
			if err != nil {
				return err
			}
			r.probes, r.open, err = countGrepable(out)
			if err != nil {
				return err
			}
			nmapRuns = append(nmapRuns, r)
			rows = append(rows, shardRow(i+1, r))
		}
	}
	fmt.Fprint(stdout, table.Render([]string{"run", "scanner", "wall", "probes/s", "probes", "open", "RSS MB"}, rows))
	best := func(rs []shardRun) shardRun {
		b := rs[0]
		for _, r := range rs {
			if r.wall < b.wall {
				b = r
			}
		}
		return b
	}
	nb := best(netRuns)
	fmt.Fprintf(stdout, "netstar: best %.0f probes/s, exact: %s (%d probes, %d open, want %d and %d)\n",
		rate(nb), scanYesNo(nb.probes == probes && nb.open == len(shardListeners)), nb.probes, nb.open, probes, len(shardListeners))
	if len(nmapRuns) > 0 {
		mb := best(nmapRuns)
		fmt.Fprintf(stdout, "nmap:    best %.0f probes/s (%d open found); netstar/nmap = %.1fx (goal >= 3x)\n", rate(mb), mb.open, rate(nb)/rate(mb))
	}

	// Memory: a /16 × 10 ports.
	mem, err := shardMeasure("netstar /16 × 10 ports", n.Local.Command(self, "shards-child", space, "-p", "20-25,80,443,8080,9000", "--seed", "2", "-oJ", os.DevNull))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nmemory: /16 × 10 ports (655360 probes) streamed in %s: max RSS %.1f MB (goal < 50 MB)\n", scanSecs(mem.wall), scanMb(mem.rss))

	// 4 shards side by side vs one unsharded run.
	var rows2 [][]string
	for i := range *runs {
		one, err := shardMeasure("unsharded", direct("one"))
		if err != nil {
			return err
		}
		start := time.Now()
		var cmds []*exec.Cmd
		var hwms []func() int64
		for k := range 4 {
			cmd := direct(fmt.Sprintf("shard%d", k), "--shard", fmt.Sprintf("%d/4", k))
			cmd.Stderr = nil
			if err := cmd.Start(); err != nil {
				return err
			}
			cmds = append(cmds, cmd)
			hwms = append(hwms, pollHWM(cmd.Process.Pid))
		}
		var maxRSS int64
		for k, c := range cmds {
			err := c.Wait()
			maxRSS = max(maxRSS, hwms[k]())
			if err != nil {
				return fmt.Errorf("shard: %w", err)
			}
		}
		wall := time.Since(start)
		total, open := 0, 0
		for k := range 4 {
			p, o, err := countJSONL(filepath.Join(dir, fmt.Sprintf("shard%d.jsonl", k)))
			if err != nil {
				return err
			}
			total, open = total+p, open+o
		}
		// What starting the processes costs: the same command on one
		// port, once and 4 times side by side.
		start1, err := startCost(1, func() *exec.Cmd { return tiny() })
		if err != nil {
			return err
		}
		start4, err := startCost(4, func() *exec.Cmd { return tiny() })
		if err != nil {
			return err
		}
		rows2 = append(rows2, []string{strconv.Itoa(i + 1), scanSecs(one.wall), scanSecs(wall), fmt.Sprintf("%.2f", wall.Seconds()/one.wall.Seconds()),
			fmt.Sprintf("%d / %d open", total, open), fmt.Sprintf("%.1f", scanMb(maxRSS)),
			fmt.Sprintf("%.0f / %.0f ms", ms(start1), ms(start4)), fmt.Sprintf("%.2f", (wall-start4).Seconds()/(one.wall-start1).Seconds())})
	}
	fmt.Fprintln(stdout, "\n4 shards (0/4..3/4, same seed) side by side vs one unsharded run, each process entering the namespace with --netns:")
	fmt.Fprint(stdout, table.Render([]string{"run", "unsharded wall", "4 shards wall", "ratio (goal <= 1)", "probes / open (union)", "max shard RSS MB",
		"process start 1 / 4 side by side", "ratio less start"}, rows2))
	fmt.Fprintln(stdout, "process start: the same command scanning one port; the last column compares the walls less that cost.")
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// startCost runs n commands side by side and returns their wall time.
func startCost(n int, cmd func() *exec.Cmd) (time.Duration, error) {
	start := time.Now()
	cmds := make([]*exec.Cmd, n)
	for k := range cmds {
		cmds[k] = cmd()
		if err := cmds[k].Start(); err != nil {
			return 0, err
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			return 0, fmt.Errorf("%s: %w", c, err)
		}
	}
	return time.Since(start), nil
}

func rate(r shardRun) float64 { return float64(r.probes) / max(r.wall.Seconds(), 1e-9) }

func shardRow(i int, r shardRun) []string {
	return []string{strconv.Itoa(i), r.name, scanSecs(r.wall), fmt.Sprintf("%.0f", rate(r)), strconv.Itoa(r.probes), strconv.Itoa(r.open), fmt.Sprintf("%.1f", scanMb(r.rss))}
}

func shardMeasure(name string, cmd *exec.Cmd) (shardRun, error) {
	var errb bytes.Buffer
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return shardRun{}, err
	}
	hwm := pollHWM(cmd.Process.Pid)
	err := cmd.Wait()
	wall := time.Since(start)
	peak := hwm()
	if err != nil {
		return shardRun{}, fmt.Errorf("%s: %v\n%s", name, err, errb.String())
	}
	return shardRun{name: name, wall: wall, rss: peak}, nil
}

// pollHWM samples the peak RSS (VmHWM) of process pid every 10 ms until
// the returned function is called, which returns the last sample in KB.
// rusage's ru_maxrss is no use here: Linux carries it across execve, so a
// child started by a big parent reports the parent's size. ip netns exec
// execs the command in the same process, so pid is the scanner itself.
func pollHWM(pid int) func() int64 {
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
				for line := range strings.Lines(string(data)) {
					if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
						kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
						peak.Store(max(peak.Load(), kb))
					}
				}
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(stop); <-done; return peak.Load() }
}

func countJSONL(path string) (probes, open int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		probes++
		if strings.Contains(sc.Text(), `"state":"open"`) {
			open++
		}
	}
	return probes, open, sc.Err()
}

// countGrepable counts the ports nmap decided (listed and ignored) and
// the open ones from its -oG output.
func countGrepable(path string) (probes, open int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(data)) {
		_, ports, ok := strings.Cut(line, "Ports: ")
		if !ok {
			continue
		}
		ports, ignored, _ := strings.Cut(ports, "\tIgnored State: ")
		for p := range strings.SplitSeq(ports, ", ") {
			if strings.Contains(p, "/open/") {
				open++
			}
			if strings.TrimSpace(p) != "" {
				probes++
			}
		}
		if i, j := strings.Index(ignored, "("), strings.Index(ignored, ")"); i >= 0 && j > i {
			k, _ := strconv.Atoi(ignored[i+1 : j])
			probes += k
		}
	}
	return probes, open, nil
}
