package scancmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/netstar/netstar/builtins/table"
	"github.com/netstar/netstar/modules/socket/scan"
)

const mergeUsage = `usage: netstar merge [-f jsonl|xml|grep|table] [-o FILE] [--open] [--strict] FILE...

Join the outputs of netstar scan shards (JSON Lines, nmap XML or checkpoints; - reads stdin)
into one. Duplicates are dropped and counted; the audit on stderr names missing shards,
mixed seeds, incomplete runs and the local errors and retries behind the results.
Exit codes: 0 merged, 1 merged but the audit found a problem and --strict was given, 2 bad input.

`

// MergeMain runs `netstar merge ARGS...` (args excludes "merge") and
// returns its exit code.
func MergeMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("netstar merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		io.WriteString(stderr, mergeUsage)
		fs.PrintDefaults()
	}
	format := fs.String("f", "", "output `FORMAT`: jsonl, xml, grep or table (default: the inputs' format)")
	out := fs.String("o", "-", "write to `FILE` (- for stdout)")
	strict := fs.Bool("strict", false, "exit 1 when the audit finds missing shards, mixed seeds or incomplete runs")
	openOnly := fs.Bool("open", false, "write only open ports (jsonl) or hosts with an open port (xml, grep), as netstar scan --open")
	if err := fs.Parse(mergeArgs(args)); err != nil {
		return ExitUsage
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintf(stderr, "netstar merge: no input files\n")
		return ExitUsage
	}
	switch *format {
	case "", "jsonl", "xml", "grep", "table":
	default:
		fmt.Fprintf(stderr, "netstar merge: -f %q: want jsonl, xml, grep or table\n", *format)
		return ExitUsage
	}
	m := &merger{format: *format, openOnly: *openOnly, stderr: stderr, start: time.Now(), shards: map[string]bool{}, seeds: map[uint64]bool{}}
	code, err := m.run(files, stdin, stdout, *out, "netstar merge "+strings.Join(args, " "))
	if err != nil {
		fmt.Fprintf(stderr, "netstar merge: %v\n", err)
		return code
	}
	problems := m.report()
	if problems > 0 && *strict {
		return ExitFailure
	}
	return ExitOK
}

type merger struct {
	format   string
	openOnly bool
	stderr   io.Writer

	inputs  []input
	seen    map[[18]byte]struct{} // jsonl output: (ip, port) written
	table   *hostTable
	ports   [scan.MaxPort + 1]bool
	records uint64
	dups    uint64
	lost    uint64 // XML extraports without a port list, not in JSONL output
	start   time.Time
	end     time.Time
	shards  map[string]bool
	seeds   map[uint64]bool
	audits  []audit
	noAudit []string
}

type input struct {
	name   string
	format string // jsonl, xml
	r      *bufio.Reader
	close  func() error
}

func (m *merger) run(files []string, stdin io.Reader, stdout io.Writer, out, args string) (int, error) {
	usedStdin := false
	for _, name := range files {
		in := input{name: name, close: func() error { return nil }}
		if name == "-" {
			if usedStdin || stdin == nil {
				return ExitUsage, errors.New("- names stdin once at most")
			}
			usedStdin = true
			in.r = bufio.NewReaderSize(stdin, 64<<10)
		} else {
			f, err := os.Open(name)
			if err != nil {
				return ExitUsage, err
			}
			defer f.Close()
			in.r, in.close = bufio.NewReaderSize(f, 64<<10), f.Close
		}
		first, err := firstByte(in.r)
		if err != nil {
			return ExitUsage, fmt.Errorf("%s: %v", name, err)
		}
		switch first {
		case '{':
			in.format = "jsonl"
		case '<':
			in.format = "xml"
		case '#', 'H':
			return ExitUsage, fmt.Errorf("%s: grepable output cannot be merged (it drops ports); merge the -oJ or -oX outputs", name)
		default:
			return ExitUsage, fmt.Errorf("%s: neither JSON Lines nor nmap XML", name)
		}
		m.inputs = append(m.inputs, in)
	}
	if m.format == "" {
		m.format = m.inputs[0].format
		for _, in := range m.inputs {
			if in.format != m.format {
				m.format = "jsonl"
			}
		}
	}
	var w io.Writer = stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return ExitUsage, fmt.Errorf("-o: %w", err)
		}
		defer f.Close()
		w = f
	}
	var js *jsonlSink
	if m.format == "jsonl" {
		js = newJSONL(w)
		m.seen = map[[18]byte]struct{}{}
	} else {
		m.table = newHostTable()
	}
	emit := func(r *Record) error {
		m.records++
		m.ports[r.Port] = true
		if r.Shard != "" {
			m.shards[r.Shard] = true
		}
		m.seeds[r.Seed] = true
		if js == nil {
			m.table.add(r)
			return nil
		}
		ip, _ := netip.ParseAddr(r.IP)
		var k [18]byte
		a := ip.As16()
		copy(k[:], a[:])
		k[16], k[17] = byte(r.Port>>8), byte(r.Port)
		if _, dup := m.seen[k]; dup {
			m.dups++
			return nil
		}
		m.seen[k] = struct{}{}
		if m.openOnly && r.State != "open" {
			return nil
		}
		return js.add(r)
	}
	for _, in := range m.inputs {
		var err error
		if in.format == "jsonl" {
			err = m.readJSONL(in, emit)
		} else {
			err = m.readXML(in, emit)
		}
		if err != nil {
			return ExitUsage, fmt.Errorf("%s: %w", in.name, err)
		}
	}
	if m.end.IsZero() {
		m.end = time.Now()
	}
	var ports []int
	for p, ok := range m.ports {
		if ok {
			ports = append(ports, p)
		}
	}
	info := runInfo{args: args, start: m.start, end: m.end, ports: ports, openOnly: m.openOnly}
	a := m.mergedAudit()
	var err error
	switch m.format {
	case "jsonl":
		err = js.finish(info, a)
	case "xml":
		err = writeXML(w, m.table, info, a)
	case "grep":
		err = writeGrepable(w, m.table, info, a)
	case "table":
		err = writeTable(w, m.table, info)
	}
	if m.table != nil {
		m.dups += uint64(m.table.dups)
	}
	if err != nil {
		return ExitFailure, fmt.Errorf("writing: %w", err)
	}
	return ExitOK, nil
}

func firstByte(r *bufio.Reader) (byte, error) {
	for {
		b, err := r.ReadByte()
		if err == io.EOF {
			return 0, errors.New("empty file")
		}
		if err != nil {
			return 0, err
		}
		if b == 0xef { // a UTF-8 byte order mark
			r.Discard(2)
			continue
		}
		if b != ' ' && b != '\n' && b != '\r' && b != '\t' {
			r.UnreadByte()
			return b, nil
		}
	}
}

// readJSONL reads netstar scan's JSON Lines, or a checkpoint (whose
// header and marks are skipped).
func (m *merger) readJSONL(in input, emit func(*Record) error) error {
	line := 0
	for {
		b, err := in.r.ReadBytes('\n')
		if len(b) > 0 {
			line++
			b = bytes.TrimSpace(b)
			if len(b) == 0 || bytes.HasPrefix(b, []byte(`{"netstar_checkpoint"`)) || bytes.HasPrefix(b, []byte(`{"mark"`)) {
				goto next
			}
			var r Record
			if jerr := json.Unmarshal(b, &r); jerr != nil {
				if err == io.EOF {
					return fmt.Errorf("line %d: cut short (%v)", line, jerr)
				}
				return fmt.Errorf("line %d: %v", line, jerr)
			}
			if cerr := r.check(); cerr != nil {
				return fmt.Errorf("line %d: %v", line, cerr)
			}
			if t, perr := time.Parse(time.RFC3339Nano, r.Time); perr == nil {
				if t.Before(m.start) {
					m.start = t
				}
				if t.After(m.end) {
					m.end = t
				}
			}
			if eerr := emit(&r); eerr != nil {
				return eerr
			}
		}
	next:
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

type xmlHost struct {
	EndTime   int64 `xml:"endtime,attr"`
	Addresses []struct {
		Addr string `xml:"addr,attr"`
		Type string `xml:"addrtype,attr"`
	} `xml:"address"`
	Hostnames []struct {
		Name string `xml:"name,attr"`
		Type string `xml:"type,attr"`
	} `xml:"hostnames>hostname"`
	Extra []struct {
		State   string `xml:"state,attr"`
		Count   int    `xml:"count,attr"`
		Reasons []struct {
			Reason string `xml:"reason,attr"`
			Count  int    `xml:"count,attr"`
			Ports  string `xml:"ports,attr"`
		} `xml:"extrareasons"`
	} `xml:"ports>extraports"`
	Ports []struct {
		ID    int    `xml:"portid,attr"`
		Proto string `xml:"protocol,attr"`
		State struct {
			State  string `xml:"state,attr"`
			Reason string `xml:"reason,attr"`
		} `xml:"state"`
		Scripts []struct {
			ID     string `xml:"id,attr"`
			Output string `xml:"output,attr"`
		} `xml:"script"`
	} `xml:"ports>port"`
}

// readXML reads nmap's XML (netstar's or nmap's own -sT output) host by
// host.
func (m *merger) readXML(in input, emit func(*Record) error) error {
	d := xml.NewDecoder(in.r)
	var a audit
	hasAudit := false
	var hosts []xmlHost // held until the audit (at the end) gives shard and seed
	sawRun := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "nmaprun":
			sawRun = true
			for _, at := range se.Attr {
				if at.Name.Local == "start" {
					if n, err := strconv.ParseInt(at.Value, 10, 64); err == nil && time.Unix(n, 0).Before(m.start) {
						m.start = time.Unix(n, 0)
					}
				}
			}
		case "host":
			var h xmlHost
			if err := d.DecodeElement(&h, &se); err != nil {
				return fmt.Errorf("XML: %v", err)
			}
			hosts = append(hosts, h)
		case "finished":
			var f struct {
				Time    int64  `xml:"time,attr"`
				Summary string `xml:"summary,attr"`
			}
			if err := d.DecodeElement(&f, &se); err != nil {
				return fmt.Errorf("XML: %v", err)
			}
			if t := time.Unix(f.Time, 0); t.After(m.end) {
				m.end = t
			}
			a, hasAudit = parseAudit(f.Summary)
		}
	}
	if !sawRun {
		return errors.New("not nmap XML (no <nmaprun>)")
	}
	if hasAudit {
		m.audits = append(m.audits, a)
	} else {
		m.noAudit = append(m.noAudit, in.name)
	}
	for _, h := range hosts {
		if err := m.xmlHost(&h, a, emit); err != nil {
			return err
		}
	}
	return nil
}

func (m *merger) xmlHost(h *xmlHost, a audit, emit func(*Record) error) error {
	var ip netip.Addr
	for _, ad := range h.Addresses {
		if x, err := netip.ParseAddr(ad.Addr); err == nil && (ad.Type == "ipv4" || ad.Type == "ipv6" || ad.Type == "") {
			ip = x
			break
		}
	}
	if !ip.IsValid() {
		return errors.New("a <host> without an IP address")
	}
	name := ""
	for _, hn := range h.Hostnames {
		if hn.Type == "user" || name == "" {
			name = hn.Name
		}
	}
	when := time.Unix(h.EndTime, 0).UTC().Format(time.RFC3339Nano)
	base := Record{IP: ip.String(), Host: name, Proto: "tcp", Shard: a.Shard, Seed: a.Seed, Time: when}
	for _, p := range h.Ports {
		if p.Proto != "tcp" {
			continue
		}
		r := base
		r.Port, r.State, r.Reason = p.ID, p.State.State, netstarReason(p.State.Reason)
		r.Service = serviceName(p.ID)
		for _, s := range p.Scripts {
			if s.ID == "banner" {
				r.Banner = s.Output
			}
		}
		if err := r.check(); err != nil {
			return fmt.Errorf("host %s: %v", ip, err)
		}
		if err := emit(&r); err != nil {
			return err
		}
	}
	for _, e := range h.Extra {
		st, ok := stateOf(e.State)
		if !ok {
			continue // open|filtered and the like: not a connect scan's
		}
		for _, reason := range e.Reasons {
			if reason.Ports == "" {
				if m.table != nil {
					m.table.host(ip).extra = append(m.table.host(ip).extra, extraCount{state: st, reason: netstarReason(reason.Reason), count: reason.Count})
				} else {
					m.lost += uint64(reason.Count)
				}
				continue
			}
			ports, err := scan.ParsePorts(reason.Ports)
			if err != nil {
				return fmt.Errorf("host %s: extrareasons ports %q: %v", ip, reason.Ports, err)
			}
			for _, port := range ports {
				r := base
				r.Port, r.State, r.Reason, r.Service = port, e.State, netstarReason(reason.Reason), serviceName(port)
				if err := emit(&r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// mergedAudit sums the inputs' audits for the merged output.
func (m *merger) mergedAudit() audit {
	var a audit
	shards := slices.Sorted(func(yield func(string) bool) {
		for s := range m.shards {
			if !yield(s) {
				return
			}
		}
	})
	a.Shard = strings.Join(shards, "+")
	for s := range m.seeds {
		a.Seed = s
	}
	a.Complete = len(m.noAudit) == 0
	for _, x := range m.audits {
		a.Sent += x.Sent
		a.Retries += x.Retries
		a.LocalErrors += x.LocalErrors
		a.Drops += x.Drops
		a.Complete = a.Complete && x.Complete
	}
	a.Probes = m.records - m.dups
	return a
}

// report prints the audit and returns how many problems it found.
func (m *merger) report() int {
	problems := 0
	fmt.Fprintf(m.stderr, "netstar merge: %d records from %d files", m.records-m.dups, len(m.inputs))
	if m.dups > 0 {
		fmt.Fprintf(m.stderr, ", %d duplicates dropped", m.dups)
	}
	fmt.Fprintln(m.stderr)
	if len(m.seeds) > 1 {
		problems++
		var ss []string
		for s := range m.seeds {
			ss = append(ss, strconv.FormatUint(s, 10))
		}
		sort.Strings(ss)
		fmt.Fprintf(m.stderr, "netstar merge: warning: the inputs come from different seeds (%s): shards of different walks overlap and leave gaps\n", strings.Join(ss, ", "))
	}
	counts := map[int]map[int]bool{}
	for s := range m.shards {
		sh, err := scan.ParseShard(s)
		if err != nil {
			continue
		}
		if counts[sh.Count] == nil {
			counts[sh.Count] = map[int]bool{}
		}
		counts[sh.Count][sh.Index] = true
	}
	if len(counts) > 1 {
		problems++
		fmt.Fprintf(m.stderr, "netstar merge: warning: the inputs split the scan in different numbers of shards\n")
	}
	for n, have := range counts {
		var missing []string
		for i := range n {
			if !have[i] {
				missing = append(missing, fmt.Sprintf("%d/%d", i, n))
			}
		}
		if len(missing) > 0 {
			problems++
			fmt.Fprintf(m.stderr, "netstar merge: warning: shards missing: %s (or they found nothing)\n", strings.Join(missing, ", "))
		} else {
			fmt.Fprintf(m.stderr, "netstar merge: all %d shards present\n", n)
		}
	}
	for _, a := range m.audits {
		if !a.Complete {
			problems++
			fmt.Fprintf(m.stderr, "netstar merge: warning: shard %s did not finish (resume it, then merge again)\n", a.Shard)
		}
		if a.LocalErrors > 0 || a.Retries > 0 {
			fmt.Fprintf(m.stderr, "netstar merge: shard %s: %d retries, %d local errors\n", a.Shard, a.Retries, a.LocalErrors)
		}
	}
	if m.lost > 0 {
		problems++
		fmt.Fprintf(m.stderr, "netstar merge: warning: %d ports known only by count in XML input are not in the JSON Lines output\n", m.lost)
	}
	return problems
}

// writeTable writes nmap's normal report per host with an open or
// filtered port (with --open, an open one), drawn with tablewriter.
func writeTable(w io.Writer, t *hostTable, info runInfo) error {
	bw := bufio.NewWriter(w)
	hosts := t.sorted()
	shown, quiet := 0, 0
	for _, h := range hosts {
		var rows [][]string
		closed := 0
		for _, p := range h.ports {
			if p.state == scan.Closed {
				closed++
				continue
			}
			if info.openOnly && p.state != scan.Open {
				continue
			}
			rows = append(rows, []string{strconv.Itoa(int(p.port)) + "/tcp", p.state.String(), serviceName(int(p.port))})
		}
		for _, e := range h.extra {
			if e.state == scan.Closed {
				closed += e.count
			}
		}
		if len(rows) == 0 {
			quiet++
			continue
		}
		shown++
		title := h.ip.String()
		if h.name != "" {
			title = h.name + " (" + title + ")"
		}
		fmt.Fprintf(bw, "scan report for %s\n", title)
		if closed > 0 {
			fmt.Fprintf(bw, "Not shown: %d closed ports\n", closed)
		}
		bw.WriteString(table.Render([]string{"PORT", "STATE", "SERVICE"}, rows))
		bw.WriteString("\n")
	}
	if info.openOnly {
		fmt.Fprintf(bw, "%d hosts with open ports; %d hosts without\n", shown, quiet)
	} else {
		fmt.Fprintf(bw, "%d hosts with open or filtered ports; %d hosts with every scanned port closed\n", shown, quiet)
	}
	return bw.Flush()
}

// mergeArgs lets merge take its flags anywhere among the files, as scan
// does, and accepts scan's output flags: -oJ/-oX/-oG FILE mean
// -f jsonl/xml/grep -o FILE.
func mergeArgs(args []string) []string {
	var flags, files []string
	formats := map[string]string{"-oJ": "jsonl", "-oX": "xml", "-oG": "grep"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			files = append(files, args[i+1:]...)
			i = len(args)
		case formats[a] != "" && i+1 < len(args):
			flags = append(flags, "-f", formats[a], "-o", args[i+1])
			i++
		case (a == "-f" || a == "-o" || a == "--f" || a == "--o") && i+1 < len(args):
			flags = append(flags, a, args[i+1])
			i++
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
		default:
			files = append(files, a)
		}
	}
	return append(append(flags, "--"), files...)
}
