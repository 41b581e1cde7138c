// Package scancmd is the command line face of package scan: `netstar
// scan`, a streaming, shardable, resumable TCP connect scanner whose
// output nmap's tools read, and `netstar merge`, which joins the outputs
// of shards. See README.md for usage, the shard index base (0), the
// exit codes and deployment on Kubernetes and Axiom-style fleets.
package scancmd

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"github.com/netstar/netstar/builtins/i18n"
	"io"
	"maps"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/modules/socket/scan"
	"github.com/netstar/netstar/modules/socket/services"
	"golang.org/x/term"
)

// Exit codes of Main and MergeMain.
const (
	// ExitOK: the scan walked its whole shard (whatever the ports' states).
	ExitOK = 0
	// ExitFailure: the scan started but failed (a name did not resolve,
	// an output could not be written).
	ExitFailure = 1
	// ExitUsage: bad arguments or input; nothing was probed.
	ExitUsage = 2
	// ExitInterrupted: SIGINT or SIGTERM stopped the scan; with --resume
	// the checkpoint lets the same command continue it.
	ExitInterrupted = 3
	// ExitPartial: the result is partial. netstar scan: some target
	// names did not resolve (each is reported on stderr); every other
	// target was scanned completely. netstar merge: shards are missing,
	// did not finish or were cut short (--allow-partial makes it 0).
	ExitPartial = 4
)

// DefaultMaxHosts is the most hosts netstar scan accepts without
// --max-hosts: a /8.
const DefaultMaxHosts = 1 << 24

// markEvery is how often the checkpoint records its position.
const markEvery = 100 * time.Millisecond

// Main runs `netstar scan ARGS...` (args excludes "scan") and returns
// its exit code. Results go to stdout unless -oJ/-oX/-oG name files;
// logs, the closing summary and (on a terminal) progress go to stderr.
// SIGINT and SIGTERM stop the scan cleanly (ExitInterrupted).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdin, stdout, stderr, os.LookupEnv)
}

// langOf returns the language the environment asks for (LC_ALL,
// LC_MESSAGES, LANG): netstar scan's usage and own messages are in it.
func langOf(lookupEnv func(string) (string, bool)) i18n.Lang {
	return i18n.FromEnv(func(k string) string { v, _ := lookupEnv(k); return v })
}

// config is the checked command line.
type config struct {
	targets   []scan.Target
	exclude   []scan.Target
	ports     []int
	timeout   time.Duration
	retries   int
	discover  bool          // host discovery before the port scan (not -Pn)
	pingOnly  bool          // -sn
	noARP     bool          // --disable-arp-ping, --unprivileged
	noICMP    bool          // --unprivileged
	minRTT    time.Duration // --min-rtt-timeout; 0: the engine's default
	initRTT   time.Duration // --initial-rtt-timeout; 0: --timeout
	maxRTT    time.Duration // --max-rtt-timeout; 0: --timeout
	hostTime  time.Duration // --host-timeout; 0: none
	minRate   float64       // --min-rate; 0: none
	rate      float64
	workers   int
	shard     scan.Shard
	seed      uint64
	seedSet   bool
	resume    string
	oJ        string
	oX        string
	oG        string
	oN        string
	banner    bool
	openOnly  bool
	reason    bool // --reason: a REASON column in -oN
	verbose   int  // -v, -vv
	ipv6      bool // -6: names resolve to IPv6 addresses
	namespace string
	resolver  string            // NETSTAR_RESOLVER as "ip:port", or ""
	where     map[string]string // host names from -iL: "FILE:LINE"
	lang      i18n.Lang         // of the usage and messages
	args      string            // the command line, for outputs
}

type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func parseArgs(args []string, stdin io.Reader, lookupEnv func(string) (string, bool), stderr io.Writer) (*config, error) {
	return parseArgsContext(context.Background(), args, stdin, lookupEnv, stderr)
}

// parseArgsContext is parseArgs, stopped by ctx while it reads a target
// list (-iL, --exclude-file): then its error is ctx's.
func parseArgsContext(ctx context.Context, args []string, stdin io.Reader, lookupEnv func(string) (string, bool), stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("netstar scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := langOf(lookupEnv)
	fs.Usage = func() {
		io.WriteString(stderr, lang.T("scan.usage"))
		fs.PrintDefaults()
	}
	ports := &portsFlag{spec: "1-1024"}
	fs.Var(ports, "p", lang.T("scan.flag.p"))
	verbose := new(verboseFlag)
	fs.Var(verbose, "v", lang.T("scan.flag.v"))
	refused := map[string]*bool{}
	for name, why := range refusedFlags {
		refused[name] = fs.Bool(name, false, "not supported: "+why)
	}
	var (
		iL          = fs.String("iL", "", lang.T("scan.flag.iL"))
		excludeFile = fs.String("exclude-file", "", lang.T("scan.flag.excludeFile"))
		exclude     = fs.String("exclude", "", lang.T("scan.flag.exclude"))
		timeout     = fs.String("timeout", "1", lang.T("scan.flag.timeout"))
		retries     = fs.Int("retries", scan.DefaultRetries, lang.T("scan.flag.retries"))
		rate        = fs.Float64("rate", 0, lang.T("scan.flag.rate"))
		workers     = fs.Int("max-concurrency", scan.DefaultWorkers, lang.T("scan.flag.maxConcurrency"))
		shard       = fs.String("shard", "", lang.T("scan.flag.shard"))
		seed        = fs.String("seed", "", lang.T("scan.flag.seed"))
		resume      = fs.String("resume", "", lang.T("scan.flag.resume"))
		oJ          = fs.String("oJ", "", lang.T("scan.flag.oJ"))
		oX          = fs.String("oX", "", lang.T("scan.flag.oX"))
		oG          = fs.String("oG", "", lang.T("scan.flag.oG"))
		oN          = fs.String("oN", "", lang.T("scan.flag.oN"))
		banner      = fs.Bool("banner", false, lang.T("scan.flag.banner"))
		maxHosts    = fs.Uint64("max-hosts", DefaultMaxHosts, lang.T("scan.flag.maxHosts"))
		namespace   = fs.String("netns", "", lang.T("scan.flag.netns"))
		topPorts    = fs.Int("top-ports", 0, lang.T("scan.flag.topPorts"))
		openOnly    = fs.Bool("open", false, lang.T("scan.flag.open"))
		oA          = fs.String("oA", "", lang.T("scan.flag.oA"))
		_           = fs.Bool("F", false, lang.T("scan.flag.F"))
		excludePort = fs.String("exclude-ports", "", lang.T("scan.flag.excludePorts"))
		reason      = fs.Bool("reason", false, lang.T("scan.flag.reason"))
		ipv6        = fs.Bool("6", false, lang.T("scan.flag.6"))
		_           = fs.Bool("n", true, lang.T("scan.flag.n"))
		_           = fs.Bool("sT", true, lang.T("scan.flag.sT"))
		noPing      = fs.Bool("Pn", false, lang.T("scan.flag.Pn"))
		pingOnly    = fs.Bool("sn", false, lang.T("scan.flag.sn"))
		noARP       = fs.Bool("disable-arp-ping", false, lang.T("scan.flag.disableArpPing"))
		unpriv      = fs.Bool("unprivileged", false, lang.T("scan.flag.unprivileged"))
		maxRetries  = fs.Int("max-retries", -1, lang.T("scan.flag.maxRetries"))
		minRTT      = fs.String("min-rtt-timeout", "", lang.T("scan.flag.minRttTimeout"))
		initRTT     = fs.String("initial-rtt-timeout", "", lang.T("scan.flag.initialRttTimeout"))
		maxRTT      = fs.String("max-rtt-timeout", "", lang.T("scan.flag.maxRttTimeout"))
		hostTimeout = fs.String("host-timeout", "", lang.T("scan.flag.hostTimeout"))
		minRate     = fs.Float64("min-rate", 0, lang.T("scan.flag.minRate"))
		maxRate     = fs.Float64("max-rate", 0, lang.T("scan.flag.maxRate"))
		_           = fs.Int("min-hostgroup", 0, lang.T("scan.flag.minHostgroup"))
		_           = fs.Int("max-hostgroup", 0, lang.T("scan.flag.maxHostgroup"))
		timing      [6]*bool
	)
	for i := range timing {
		timing[i] = fs.Bool(fmt.Sprintf("T%d", i), false, timingHelp[i])
	}
	var positional []string
	rest := nmapPorts(args)
	for {
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, usageError{err}
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		rest = rest[1:]
	}
	c := &config{lang: lang, where: map[string]string{}, retries: *retries, rate: *rate, workers: *workers, resume: *resume, oJ: *oJ, oX: *oX, oG: *oG, oN: *oN,
		banner: *banner, namespace: *namespace, openOnly: *openOnly, reason: *reason, verbose: verbose.n, ipv6: *ipv6,
		args: "netstar scan " + strings.Join(args, " ")}
	for _, name := range slices.Sorted(maps.Keys(refused)) {
		if *refused[name] {
			return nil, usagef("-%s: %s", name, refusedFlags[name])
		}
	}
	if len(ports.given) > 1 {
		return nil, usagef("%s", lang.T("scan.err.twoP", ports.given[0], ports.given[1], strings.Join(ports.given, ",")))
	}
	if *oA != "" {
		if c.oJ != "" || c.oX != "" || c.oG != "" || c.oN != "" {
			return nil, usagef("%s", lang.T("scan.err.oAWithOthers", *oA))
		}
		if *oA == "-" {
			return nil, usagef("%s", lang.T("scan.err.oAStdout"))
		}
		c.oN, c.oX, c.oG, c.oJ = *oA+".nmap", *oA+".xml", *oA+".gnmap", *oA+".jsonl"
	}

	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if err := c.applyTiming(timing, given, initRTT, maxRTT, minRTT, hostTimeout); err != nil {
		return nil, err
	}

	// Walk options first: they are the cheapest mistakes to catch.
	if *shard != "" {
		spec := *shard
		if strings.HasPrefix(spec, "/") {
			idx, ok := lookupEnv("JOB_COMPLETION_INDEX")
			if !ok || idx == "" {
				return nil, usagef("%s", lang.T("scan.err.shardNoIndex", spec, spec))
			}
			spec = idx + spec
		}
		sh, err := scan.ParseShard(spec)
		if err != nil {
			return nil, usagef("--shard: %v", err)
		}
		c.shard = sh
	}
	if *seed != "" {
		n, err := strconv.ParseUint(*seed, 10, 64)
		if err != nil {
			return nil, usagef("%s", lang.T("scan.err.seed", *seed, uint64(math.MaxUint64)))
		}
		c.seed, c.seedSet = n, true
	}
	if !c.shard.Whole() && !c.seedSet && c.resume == "" {
		return nil, usagef("%s", lang.T("scan.shardNeedsSeed", c.shard))
	}
	if given["max-rate"] {
		if given["rate"] && *rate != *maxRate {
			return nil, usagef("%s", lang.T("scan.err.maxRateAndRate", *maxRate, *rate))
		}
		*rate, c.rate = *maxRate, *maxRate
	}
	if math.IsNaN(*rate) || math.IsInf(*rate, 0) || *rate < 0 {
		return nil, usagef("%s", lang.T("scan.err.rate", *rate))
	}
	t, err := parseSeconds(*timeout)
	if err != nil {
		return nil, usagef("--timeout %q: %v", *timeout, err)
	}
	c.timeout = t
	if given["max-retries"] {
		if given["retries"] && *retries != *maxRetries {
			return nil, usagef("%s", lang.T("scan.err.maxRetriesAndRetries", *maxRetries, *retries))
		}
		*retries = *maxRetries
	}
	if *retries < 0 || *retries > 100 {
		return nil, usagef("%s", lang.T("scan.err.retries", *retries))
	}
	c.discover, c.pingOnly = !*noPing, *pingOnly
	c.noARP, c.noICMP = *noARP || *unpriv, *unpriv
	if *noPing && *pingOnly {
		return nil, usagef("%s", lang.T("scan.err.PnAndSn"))
	}
	if *minRTT != "" {
		d, err := parseSeconds(*minRTT)
		if err != nil {
			return nil, usagef("--min-rtt-timeout %q: %v", *minRTT, err)
		}
		c.minRTT = d
	}
	for _, d := range []struct {
		name string
		v    *string
		dst  *time.Duration
	}{{"initial-rtt-timeout", initRTT, &c.initRTT}, {"max-rtt-timeout", maxRTT, &c.maxRTT}, {"host-timeout", hostTimeout, &c.hostTime}} {
		if !given[d.name] && *d.v == "" {
			continue
		}
		v, err := parseSeconds(*d.v)
		if err != nil {
			return nil, usagef("--%s %q: %v", d.name, *d.v, err)
		}
		*d.dst = v
	}
	if c.initRTT > 0 && c.maxRTT > 0 && c.initRTT > c.maxRTT {
		return nil, usagef("%s", lang.T("scan.err.initialAboveMax", c.initRTT, c.maxRTT))
	}
	if math.IsNaN(*minRate) || math.IsInf(*minRate, 0) || *minRate < 0 {
		return nil, usagef("%s", lang.T("scan.err.minRate", *minRate))
	}
	c.minRate = *minRate
	if c.rate > 0 && c.minRate > c.rate {
		return nil, usagef("%s", lang.T("scan.err.minRateAboveMax", c.minRate, c.rate))
	}
	if given["min-hostgroup"] || given["max-hostgroup"] {
		fmt.Fprintln(stderr, "netstar scan: warning: --min-hostgroup/--max-hostgroup have no effect: every host is scanned at once, each with its own timing")
	}
	if *workers < 1 {
		return nil, usagef("%s", lang.T("scan.err.maxConcurrency", *workers))
	}
	excluded := map[int]bool{}
	if given["exclude-ports"] {
		ex, err := scan.ParsePorts(*excludePort)
		if err != nil {
			return nil, usagef("--exclude-ports: %v", err)
		}
		for _, p := range ex {
			excluded[p] = true
		}
	}
	if c.ports, err = scan.ParsePorts(ports.spec); err != nil {
		return nil, usagef("-p: %v", err)
	}
	c.ports = slices.DeleteFunc(c.ports, func(p int) bool { return excluded[p] })
	switch {
	case given["F"] && given["p"]:
		return nil, usagef("%s", lang.T("scan.err.FAndP"))
	case given["F"] && given["top-ports"]:
		return nil, usagef("%s", lang.T("scan.err.FAndTopPorts"))
	case given["top-ports"] && given["p"]:
		return nil, usagef("%s", lang.T("scan.err.topPortsAndP", *topPorts))
	case given["F"]:
		if c.ports, err = topPortsExcluding(100, excluded); err != nil {
			return nil, usagef("-F: %v", err)
		}
	case given["top-ports"]:
		if c.ports, err = topPortsExcluding(*topPorts, excluded); err != nil {
			return nil, usagef("--top-ports: %v", err)
		}
	}
	if len(c.ports) == 0 {
		return nil, usagef("%s", lang.T("scan.err.noPortLeft", *excludePort))
	}
	if c.namespace != "" {
		if err := scan.CheckNamespace(c.namespace); err != nil {
			return nil, usagef("--netns: %v", err)
		}
	}
	if env, ok := lookupEnv(resolve.EnvResolver); ok && env != "" {
		if c.resolver, err = resolve.ServerAddr(env); err != nil {
			return nil, usagef("%s: %v", resolve.EnvResolver, err)
		}
	}

	// Targets.
	budget := *maxHosts
	var total uint64
	for _, arg := range positional {
		ts, n, err := parseTargetItems(lang, arg, budget-total, budget)
		if err != nil {
			return nil, usagef("%v", err)
		}
		c.targets = append(c.targets, ts...)
		total += n
	}
	if *iL != "" {
		ts, n, err := readTargetFile(ctx, lang, *iL, stdin, budget-total, budget, c.where)
		if err != nil {
			return nil, usagef("-iL: %v", err)
		}
		c.targets = append(c.targets, ts...)
		total += n
	}
	if len(c.targets) == 0 {
		return nil, usagef("%s", lang.T("scan.err.noTargets"))
	}
	if c.ipv6 {
		for _, t := range c.targets {
			if t.Name == "" && t.First.Is4() {
				return nil, usagef("%s", lang.T("scan.err.ipv4With6", t.Spec))
			}
		}
	}
	if *exclude != "" {
		ts, _, err := parseTargetItems(lang, *exclude, math.MaxUint64>>2, math.MaxUint64>>2)
		if err != nil {
			return nil, usagef("--exclude: %v", err)
		}
		c.exclude = append(c.exclude, ts...)
	}
	if *excludeFile != "" {
		ts, _, err := readTargetFile(ctx, lang, *excludeFile, stdin, math.MaxUint64>>2, math.MaxUint64>>2, nil)
		if err != nil {
			return nil, usagef("--exclude-file: %v", err)
		}
		c.exclude = append(c.exclude, ts...)
	}
	for _, t := range c.exclude {
		if t.Name != "" {
			return nil, usagef("%s", lang.T("scan.err.excludeName", t.Spec))
		}
	}
	if *iL == "-" && *excludeFile == "-" {
		return nil, usagef("%s", lang.T("scan.err.twoStdin"))
	}
	outs := map[string]string{}
	for flagName, path := range map[string]string{"-oJ": c.oJ, "-oX": c.oX, "-oG": c.oG, "-oN": c.oN} {
		if path == "-" {
			if other, dup := outs["-"]; dup {
				return nil, usagef("%s", lang.T("scan.err.twoStdout", other, flagName))
			}
			outs["-"] = flagName
		}
	}
	if c.resume != "" && (c.resume == c.oJ || c.resume == c.oX || c.resume == c.oG || c.resume == c.oN) {
		return nil, usagef("%s", lang.T("scan.resumeIsOutput", c.resume))
	}
	// Each output file is locked for one writer: two options naming the
	// same file are refused here, in their own words.
	files := [][2]string{{"-oJ", c.oJ}, {"-oX", c.oX}, {"-oG", c.oG}, {"-oN", c.oN}}
	for i, a := range files {
		for _, b := range files[i+1:] {
			if a[1] != "" && a[1] != "-" && filepath.Clean(a[1]) == filepath.Clean(b[1]) {
				return nil, usagef("%s", lang.T("scan.sameOutput", a[0], b[0], a[1]))
			}
		}
	}
	return c, nil
}

// timingHelp documents nmap's timing templates as netstar scan reads them.
var timingHelp = [6]string{
	"nmap's paranoid timing: one probe at a time, one every 5 minutes (--max-concurrency 1 --rate 0.0033)",
	"nmap's sneaky timing: one probe at a time, one every 15 s (--max-concurrency 1 --rate 0.067)",
	"nmap's polite timing: one probe at a time, one every 0.4 s (--max-concurrency 1 --rate 2.5)",
	"nmap's normal timing: netstar scan's defaults",
	"nmap's aggressive timing: --initial-rtt-timeout 500ms --max-rtt-timeout 1250ms",
	"nmap's insane timing: --initial-rtt-timeout 250ms --max-rtt-timeout 300ms --min-rtt-timeout 50ms --host-timeout 15m --retries 2",
}

// applyTiming applies a -T0..-T5 template; options given explicitly win
// over it.
func (c *config) applyTiming(timing [6]*bool, given map[string]bool, initRTT, maxRTT, minRTT, hostTimeout *string) error {
	t := -1
	for i, on := range timing {
		if *on {
			if t >= 0 {
				return usagef("%s", c.lang.T("scan.err.twoTemplates", t, i))
			}
			t = i
		}
	}
	set := func(name string, apply func()) {
		if !given[name] {
			apply()
		}
	}
	switch t {
	case 0, 1, 2:
		rates := [3]float64{1.0 / 300, 1.0 / 15, 2.5}
		set("max-concurrency", func() { c.workers = 1 })
		set("rate", func() { c.rate = rates[t] })
	case 4, 5:
		// An explicit --timeout sets both RTT timeouts: it wins too.
		initial, most := "500ms", "1250ms"
		if t == 5 {
			initial, most = "250ms", "300ms"
		}
		if !given["timeout"] {
			set("initial-rtt-timeout", func() { *initRTT = initial })
			set("max-rtt-timeout", func() { *maxRTT = most })
		}
	}
	if t == 5 {
		set("min-rtt-timeout", func() { *minRTT = "50ms" })
		set("host-timeout", func() { *hostTimeout = "15m" })
		set("retries", func() { c.retries = 2 })
	}
	return nil
}

// nmapPorts splits nmap's attached port argument (-p-, -p80, -p1-1024)
// into -p and its value, which the flag package would take for a flag
// named "p-" or "p80", and spells nmap's -vv, -vvv and -v2 as the flag
// package reads them (-v -v, -v=2).
func nmapPorts(args []string) []string {
	out := make([]string, 0, len(args)+1)
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if v, ok := strings.CutPrefix(a, "-v"); ok && v != "" {
			if strings.Trim(v, "v") == "" {
				for range len(a) - 1 {
					out = append(out, "-v")
				}
				continue
			}
			if isDigits(v) {
				out = append(out, "-v="+v)
				continue
			}
		}
		if v, ok := strings.CutPrefix(a, "-p"); ok && v != "" && !strings.HasPrefix(v, "=") {
			out = append(out, "-p", v)
			continue
		}
		out = append(out, a)
	}
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// portsFlag is -p: nmap takes it once ("Only 1 -p option allowed"), so
// it keeps every value given to refuse a second.
type portsFlag struct {
	spec  string
	given []string
}

func (f *portsFlag) String() string {
	if f == nil {
		return ""
	}
	return f.spec
}

func (f *portsFlag) Set(v string) error {
	f.spec = v
	f.given = append(f.given, v)
	return nil
}

// verboseFlag counts -v (nmap's verbosity); -v=N sets it.
type verboseFlag struct{ n int }

func (f *verboseFlag) String() string {
	if f == nil {
		return "0"
	}
	return strconv.Itoa(f.n)
}

func (f *verboseFlag) Set(v string) error {
	switch v {
	case "true":
		f.n++
	case "false":
		f.n = 0
	default:
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10 {
			return errors.New("want -v, -vv or -v=N (0-10)")
		}
		f.n = n
	}
	return nil
}

func (f *verboseFlag) IsBoolFlag() bool { return true }

// refusedFlags are nmap options netstar scan does not have, each with
// what it does instead; giving one is a usage error (exit 2), not a
// silently different scan.
var refusedFlags = map[string]string{
	"sS": "netstar scan makes TCP connect scans only (nmap's -sT): a SYN scan needs raw sockets; a connect scan finds the same open, closed and filtered ports",
	"sU": "netstar scan scans TCP only; UDP ports are not scanned",
	"sV": "netstar scan does no version detection; --banner records what each open port sends first (JSON Lines, XML <script id=\"banner\">, -oN)",
	"sC": "netstar scan runs no NSE scripts; --banner records what each open port sends first, as nmap's banner script",
	"O":  "netstar scan does no OS detection",
	"A":  "-A is nmap's -sV -O -sC --traceroute, none of which netstar scan does; --banner records what each open port sends first",
}

// topPortsExcluding returns the n ports nmap's frequency table ranks
// first once the excluded ports are left out (nmap's --top-ports with
// --exclude-ports still scans n ports).
func topPortsExcluding(n int, excluded map[int]bool) ([]int, error) {
	k := n
	for {
		ps, err := services.TopPorts(k, "tcp")
		if err != nil {
			return nil, err
		}
		ps = slices.DeleteFunc(ps, func(p int) bool { return excluded[p] })
		if len(ps) >= n {
			return ps, nil
		}
		k += n - len(ps)
	}
}

// readTargetFile reads a target list (- is stdin). It returns ctx's
// error as soon as ctx is done, even while the read waits for an idle
// pipe or a FIFO's writer (the reading goroutine is then left blocked:
// the process is about to exit).
func readTargetFile(ctx context.Context, lang i18n.Lang, path string, stdin io.Reader, budget, limit uint64, where map[string]string) ([]scan.Target, uint64, error) {
	type result struct {
		ts    []scan.Target
		n     uint64
		where map[string]string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		var w map[string]string
		if where != nil {
			w = map[string]string{}
		}
		ts, n, err := readTargetFileNow(lang, path, stdin, budget, limit, w)
		done <- result{ts, n, w, err}
	}()
	select {
	case r := <-done:
		maps.Copy(where, r.where)
		return r.ts, r.n, r.err
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
}

func readTargetFileNow(lang i18n.Lang, path string, stdin io.Reader, budget, limit uint64, where map[string]string) ([]scan.Target, uint64, error) {
	if path == "-" {
		if stdin == nil {
			return nil, 0, errors.New("no standard input")
		}
		return parseTargetList(lang, stdin, "stdin", budget, limit, where)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return parseTargetList(lang, f, path, budget, limit, where)
}

// parseSeconds reads "1", "0.5" or a Go duration such as "500ms".
func parseSeconds(s string) (time.Duration, error) {
	var d time.Duration
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || f <= 0 || f > 3600 {
			return 0, errors.New("want seconds in (0, 3600]")
		}
		d = time.Duration(f * float64(time.Second))
	} else if d, err = time.ParseDuration(s); err != nil || d <= 0 || d > time.Hour {
		return 0, errors.New("want seconds in (0, 3600] such as 1.5, or a duration such as 500ms")
	}
	return d, nil
}

// canonical is the part of the command line a checkpoint depends on:
// what is probed, in which order, and how states are decided. Rate,
// concurrency and outputs may change between runs.
func (c *config) canonical() string {
	h := sha256.New()
	for _, t := range c.targets {
		io.WriteString(h, t.Spec+"\n")
	}
	targets := hex.EncodeToString(h.Sum(nil))[:16]
	var ex []string
	for _, t := range c.exclude {
		ex = append(ex, t.Spec)
	}
	exs := strings.Join(ex, ",")
	if len(exs) > 200 {
		s := sha256.Sum256([]byte(exs))
		exs = fmt.Sprintf("%d items sha256:%s", len(ex), hex.EncodeToString(s[:8]))
	}
	shard := c.shard.String()
	if shard == "" {
		shard = "all"
	}
	return fmt.Sprintf("targets=%d items sha256:%s exclude=[%s] ports=%s seed=%d shard=%s timeout=%s retries=%d banner=%t",
		len(c.targets), targets, exs, intRanges(c.ports), c.seed, shard, c.timeout, c.retries, c.banner)
}

func argsHash(canonical string) string {
	s := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(s[:])
}

// randomSeed returns a seed below 2^53, so that JSON tools that read
// numbers as doubles (jq, JavaScript) keep it exact.
func randomSeed() uint64 {
	var b [8]byte
	rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:]) >> 11
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	c, err := parseArgsContext(ctx, args, stdin, lookupEnv, stderr)
	if err == flag.ErrHelp {
		return ExitUsage
	}
	if err != nil && ctx.Err() != nil {
		fmt.Fprintf(stderr, "netstar scan: %s\n", langOf(lookupEnv).T("scan.interruptedReading"))
		return ExitInterrupted
	}
	if err != nil {
		fmt.Fprintf(stderr, "netstar scan: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) && strings.HasPrefix(ue.Error(), "flag provided but not defined") {
			fmt.Fprintf(stderr, "%s\n", langOf(lookupEnv).T("scan.seeHelp"))
		}
		return ExitUsage
	}
	s := &scanRun{cfg: c, stdout: stdout, stderr: stderr}
	code, err := s.run(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "netstar scan: %v\n", err)
	}
	return code
}
