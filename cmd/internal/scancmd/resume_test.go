package scancmd

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/modules/socket/scan"
)

// runChild runs netstar scan in a child process and returns its exit
// status and stderr.
func runChild(t *testing.T, args ...string) (int, string) {
	t.Helper()
	return runChildEnv(t, nil, args...)
}

// runChildEnv is runChild with env added to the child's environment.
func runChildEnv(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := child("scan", args...)
	cmd.Env = append(cmd.Env, env...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, errb.String()
}

// ipPorts returns the ip:port of each record, counted.
func ipPorts(recs []Record) map[string]int {
	m := map[string]int{}
	for _, r := range recs {
		m[fmt.Sprintf("%s:%d", r.IP, r.Port)]++
	}
	return m
}

// TestResumeChecksRecords tampers with a finished scan's checkpoint in
// the ways a hostile or careless hand would (records deleted, an ip
// forged, a record repeated with another state, a mark that claims
// more than is there) and resumes it: every forged or repeated record
// is named and dropped, every position without its record is probed
// again, and the result is again one record for each of the 3000
// probes of the walk, with exit status 0 only then. A second resume
// finds a complete scan.
func TestResumeChecksRecords(t *testing.T) {
	dir := t.TempDir()
	args := []string{"127.0.0.1", "-p", "1-3000", "-Pn", "--seed", "7"}
	pristine := filepath.Join(dir, "pristine.ckpt")
	ref := filepath.Join(dir, "ref.jsonl")
	if code, errs := runChild(t, append(args, "--resume", pristine, "-oJ", ref)...); code != 0 {
		t.Fatalf("first scan: exit %d\n%s", code, errs)
	}
	want := ipPorts(readJSONL(t, ref))
	if len(want) != 3000 {
		t.Fatalf("reference scan: %d ip:ports, want 3000", len(want))
	}
	data, err := os.ReadFile(pristine)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")

	recordLines := func(keep func(i int, line string) string) string {
		var b strings.Builder
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, `{"pos":`) {
				l = keep(n, l)
				n++
			}
			b.WriteString(l)
		}
		return b.String()
	}
	everyThird := func() string {
		return recordLines(func(i int, l string) string {
			if i%3 == 2 {
				return ""
			}
			return l
		})
	}
	tests := []struct {
		name     string
		tamper   func() string
		warn     string // on stderr
		discover bool   // resume without -Pn
	}{
		{"every third record deleted, with host discovery", everyThird, "records deleted or dropped?", true},
		{"the last records deleted, the complete mark kept", func() string {
			var b strings.Builder
			n := 0
			for _, l := range lines {
				if strings.HasPrefix(l, `{"pos":`) {
					if n++; n > 2900 {
						continue
					}
				}
				b.WriteString(l)
			}
			return b.String()
		}, "records deleted or dropped?", true},
		{"every third record deleted", func() string {
			return recordLines(func(i int, l string) string {
				if i%3 == 2 {
					return ""
				}
				return l
			})
		}, "records deleted or dropped?", false},
		{"an ip forged", func() string {
			return recordLines(func(i int, l string) string {
				if i == 10 {
					return strings.Replace(l, `"ip":"127.0.0.1"`, `"ip":"10.1.2.3"`, 1)
				}
				return l
			})
		}, "holds 10.1.2.3 port", false},
		{"a port forged", func() string {
			return recordLines(func(i int, l string) string {
				if i == 20 {
					return strings.Replace(l, `"port":`, `"port":1`, 1)
				}
				return l
			})
		}, "but the walk probes 127.0.0.1 port", false},
		{"a record repeated with another state", func() string {
			return recordLines(func(i int, l string) string {
				if i == 5 {
					return l + strings.Replace(strings.Replace(l, `"closed"`, `"open"`, 1), `"filtered"`, `"open"`, 1)
				}
				return l
			})
		}, "recorded twice: the first record is kept", false},
		{"a record of another seed", func() string {
			return recordLines(func(i int, l string) string {
				if i == 7 {
					return strings.Replace(l, `"seed":7`, `"seed":8`, 1)
				}
				return l
			})
		}, "is recorded with seed 8", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ckpt := filepath.Join(t.TempDir(), "scan.ckpt")
			if err := os.WriteFile(ckpt, []byte(tt.tamper()), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(filepath.Dir(ckpt), "out.jsonl")
			args := args
			if tt.discover {
				args = slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "-Pn" })
			}
			code, errs := runChild(t, append(args, "--resume", ckpt, "-oJ", out)...)
			if code != 0 {
				t.Fatalf("resume: exit %d\n%s", code, errs)
			}
			if !strings.Contains(errs, tt.warn) || !strings.Contains(errs, "are probed again") {
				t.Errorf("resume: stderr lacks %q and the re-probe:\n%s", tt.warn, errs)
			}
			if strings.Contains(errs, "records a complete scan") {
				t.Errorf("a damaged checkpoint is called complete:\n%s", errs)
			}
			if !strings.Contains(errs, "3000 of 3000 probes recorded") {
				t.Errorf("summary:\n%s", errs)
			}
			got := ipPorts(readJSONL(t, out))
			if len(got) != len(want) {
				t.Errorf("%d ip:ports, want %d", len(got), len(want))
			}
			for k, n := range got {
				if n != 1 || want[k] != 1 {
					t.Errorf("%s recorded %d times (reference: %d)", k, n, want[k])
				}
			}
			// The repaired checkpoint is whole: a rerun probes nothing.
			code, errs = runChild(t, append(args, "--resume", ckpt, "-oJ", out)...)
			if code != 0 || !strings.Contains(errs, "records a complete scan") || strings.Contains(errs, "warning") {
				t.Errorf("second resume: exit %d\n%s", code, errs)
			}
			if got := ipPorts(readJSONL(t, out)); len(got) != 3000 {
				t.Errorf("second resume: %d ip:ports, want 3000", len(got))
			}
		})
	}
}

// TestWalkMatchesEngine holds the walk that checks checkpoints to the
// engine's: every record of a streamed scan (shards, exclusions, IPv4
// and IPv6 ranges, a resolved name) is what the walk puts at its
// position.
func TestWalkMatchesEngine(t *testing.T) {
	name := scan.Target{Spec: "localhost", Name: "localhost", First: netip.MustParseAddr("127.0.0.1"), Last: netip.MustParseAddr("127.0.0.1")}
	tests := []struct {
		name    string
		targets []string
		exclude []string
		ports   []int
		shard   scan.Shard
	}{
		{"one host", []string{"127.0.0.1"}, nil, []int{1, 2, 3, 80}, scan.Shard{}},
		{"ranges and exclusions", []string{"127.0.0.0/28", "127.0.1.5-9", "::1"}, []string{"127.0.0.3-5", "127.0.0.9", "127.0.1.7"}, []int{7, 9}, scan.Shard{Index: 1, Count: 3}},
		{"a name", []string{"127.0.0.2"}, nil, []int{22, 23, 24}, scan.Shard{Index: 0, Count: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			targets, err := scan.ParseTargets(strings.Join(tt.targets, ","), 1<<16)
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "a name" {
				targets = append(targets, name)
			}
			var exclude []scan.Target
			if tt.exclude != nil {
				if exclude, err = scan.ParseTargets(strings.Join(tt.exclude, ","), 1<<16); err != nil {
					t.Fatal(err)
				}
			}
			w, err := newWalk(targets, exclude, tt.ports, tt.shard, 42)
			if err != nil {
				t.Fatal(err)
			}
			sc := &scan.Scanner{Timeout: 200e6, Retries: -1, Shard: tt.shard, Seed: 42, Random: true, NoReverse: true}
			seen := 0
			st, err := sc.Stream(t.Context(), targets, tt.ports, scan.StreamOptions{Exclude: exclude, Sink: func(r scan.Record) error {
				seen++
				rec := recordOf(r, "", 42, "")
				return w.check(i18n.English, r.Pos, &rec)
			}})
			if err != nil {
				t.Fatal(err)
			}
			if st.Positions != w.count || uint64(seen) != w.count {
				t.Errorf("engine: %d positions, %d records; walk: %d", st.Positions, seen, w.count)
			}
		})
	}
}
