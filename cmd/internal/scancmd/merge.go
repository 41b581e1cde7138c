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
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/netstar/netstar/modules/socket/scan"
)

const mergeUsage = `usage: netstar merge [-o FILE [-f FORMAT]] [-oJ FILE] [-oX FILE] [-oG FILE] [-oN FILE] [-oA BASE]
                     [--open] [--allow-partial] [--strict] FILE...

Join the outputs of netstar scan shards (JSON Lines, nmap XML or checkpoints; - reads stdin)
into one. -o FILE takes its format from the name: .xml (nmap XML), .gnmap (grepable),
.jsonl or .json (JSON Lines), .nmap or .txt (nmap's normal output); -f names it
(jsonl, xml, grep, normal); otherwise it is the inputs' format. -oJ/-oX/-oG/-oN/-oA
write those formats, several at once. Duplicates are dropped and counted (conflicting
ones named, the first kept); records a TCP merge cannot take (udp) are skipped and named.
Exit codes: 0 merged; 4 merged but partial: shards missing, unfinished or cut short (0 with
--allow-partial); 1 (--strict) the audit found another problem (mixed seeds, skipped or
conflicting records); 2 bad input, nothing written.

`

// mergeOutput is one output of a merge.
type mergeOutput struct {
	format string // jsonl, xml, grep, normal; "" until the inputs decide
	path   string // - for stdout
	flag   string // the option that named it, for errors
}

// mergeFormats maps the names -f takes to the formats.
var mergeFormats = map[string]string{
	"jsonl": "jsonl", "json": "jsonl",
	"xml":  "xml",
	"grep": "grep", "gnmap": "grep",
	"normal": "normal", "nmap": "normal", "table": "normal",
}

// formatOfPath returns the format a file name's extension names, or "".
func formatOfPath(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xml":
		return "xml"
	case ".gnmap":
		return "grep"
	case ".jsonl", ".json":
		return "jsonl"
	case ".nmap", ".txt":
		return "normal"
	}
	return ""
}

// MergeMain runs `netstar merge ARGS...` (args excludes "merge") and
// returns its exit code.
func MergeMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("netstar merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		io.WriteString(stderr, mergeUsage)
		fs.PrintDefaults()
	}
	format := fs.String("f", "", "`FORMAT` of -o (or of stdout): jsonl, xml, grep or normal (default: from -o's extension, else the inputs' format)")
	out := fs.String("o", "", "write to `FILE` (- for stdout), in the format its extension names")
	var outs []mergeOutput
	for _, o := range []struct{ flag, format, what string }{
		{"oJ", "jsonl", "JSON Lines"}, {"oX", "xml", "nmap XML"}, {"oG", "grep", "nmap grepable output"}, {"oN", "normal", "nmap's normal output"},
	} {
		fs.Func(o.flag, "write "+o.what+" to `FILE` (- for stdout)", func(v string) error {
			outs = append(outs, mergeOutput{format: o.format, path: v, flag: "-" + o.flag})
			return nil
		})
	}
	oA := fs.String("oA", "", "write `BASE`.xml, BASE.gnmap, BASE.nmap and BASE.jsonl")
	strict := fs.Bool("strict", false, "exit 1 when the audit finds mixed seeds or shard counts, skipped or conflicting records")
	allowPartial := fs.Bool("allow-partial", false, "exit 0 even when shards are missing, did not finish or were cut short (the outputs still say so)")
	openOnly := fs.Bool("open", false, "write only open ports, and only hosts with one, as netstar scan --open")
	if err := fs.Parse(mergeArgs(args)); err != nil {
		return ExitUsage
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintf(stderr, "netstar merge: no input files\n")
		return ExitUsage
	}
	f := ""
	if *format != "" {
		if f = mergeFormats[*format]; f == "" {
			fmt.Fprintf(stderr, "netstar merge: -f %q: want jsonl, xml, grep or normal\n", *format)
			return ExitUsage
		}
	}
	if *oA != "" {
		if *oA == "-" {
			fmt.Fprintf(stderr, "netstar merge: -oA -: -oA needs a file name base\n")
			return ExitUsage
		}
		for _, o := range []struct{ ext, format string }{{".xml", "xml"}, {".gnmap", "grep"}, {".nmap", "normal"}, {".jsonl", "jsonl"}} {
			outs = append(outs, mergeOutput{format: o.format, path: *oA + o.ext, flag: "-oA"})
		}
	}
	if *out != "" || f != "" || len(outs) == 0 {
		o := mergeOutput{format: f, path: cmpOr(*out, "-"), flag: "-o"}
		if o.format == "" {
			o.format = formatOfPath(o.path)
		}
		outs = append([]mergeOutput{o}, outs...)
	}
	paths := map[string]string{}
	for _, o := range outs {
		if other, dup := paths[o.path]; dup {
			fmt.Fprintf(stderr, "netstar merge: %s %s and %s %s: one output each\n", other, o.path, o.flag, o.path)
			return ExitUsage
		}
		paths[o.path] = o.flag
	}
	m := &merger{openOnly: *openOnly, stderr: stderr, start: time.Now(), shards: map[string]bool{}, seeds: map[uint64]bool{}, seen: map[[18]byte]uint64{}}
	code, err := m.run(files, stdin, stdout, outs, "netstar merge "+strings.Join(args, " "))
	if err != nil {
		fmt.Fprintf(stderr, "netstar merge: %v\n", err)
		return code
	}
	problems := m.report()
	switch {
	case problems > 0 && *strict:
		return ExitFailure
	case m.partial != "" && !*allowPartial:
		return ExitPartial
	}
	return ExitOK
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

type merger struct {
	openOnly bool
	stderr   io.Writer

	inputs []*input
	// seen holds every (ip, port) taken: the state, the input and the
	// line of its record, packed (see seenValue).
	seen      map[[18]byte]uint64
	table     *hostTable
	jsonl     []sink
	ports     [scan.MaxPort + 1]bool
	records   uint64
	dups      uint64
	conflicts uint64
	skipped   uint64
	lost      uint64 // XML extraports without a port list, not in JSONL output
	start     time.Time
	end       time.Time
	shards    map[string]bool
	seeds     map[uint64]bool
	audits    []audit
	noAudit   []string // XML inputs without netstar's audit (nmap's own)
	cut       []string // inputs cut short
	partial   string   // why the merge is partial, "" when it is not
	warned    int
}

type input struct {
	idx    int
	name   string
	format string // jsonl, xml
	r      *bufio.Reader
}

// maxWarnings is how many skipped or conflicting records merge names
// one by one; the others are counted.
const maxWarnings = 10

func (m *merger) warnf(format string, a ...any) {
	m.warned++
	if m.warned <= maxWarnings {
		fmt.Fprintf(m.stderr, "netstar merge: warning: "+format+"\n", a...)
	}
}

func (m *merger) run(files []string, stdin io.Reader, stdout io.Writer, outs []mergeOutput, args string) (int, error) {
	usedStdin := false
	var inputInfo []os.FileInfo
	for i, name := range files {
		in := &input{idx: i, name: name}
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
			if fi, err := f.Stat(); err == nil {
				inputInfo = append(inputInfo, fi)
			}
			in.r = bufio.NewReaderSize(f, 64<<10)
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
	inputsFormat := m.inputs[0].format
	for _, in := range m.inputs {
		if in.format != inputsFormat {
			inputsFormat = "jsonl"
		}
	}
	// Outputs go to temporary files renamed at the end, so that bad
	// input leaves no half-written output (and an input named as an
	// output is refused before it is overwritten).
	var writers []*outputFile
	defer func() {
		for _, w := range writers {
			w.abort()
		}
	}()
	for i := range outs {
		o := &outs[i]
		if o.format == "" {
			o.format = inputsFormat
		}
		if o.path != "-" {
			if fi, err := os.Stat(o.path); err == nil {
				for _, in := range inputInfo {
					if os.SameFile(fi, in) {
						return ExitUsage, fmt.Errorf("%s %s is also an input", o.flag, o.path)
					}
				}
			}
		}
		w, err := createOutput(o.path, stdout)
		if err != nil {
			return ExitUsage, fmt.Errorf("%s: %w", o.flag, err)
		}
		writers = append(writers, w)
		if o.format == "jsonl" {
			var k sink = newJSONL(w)
			if m.openOnly {
				k = openSink{k}
			}
			m.jsonl = append(m.jsonl, k)
		} else if m.table == nil {
			m.table = newHostTable()
		}
	}
	for _, in := range m.inputs {
		var err error
		if in.format == "jsonl" {
			err = m.readJSONL(in)
		} else {
			err = m.readXML(in)
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
	a := m.mergedAudit()
	info := runInfo{command: "netstar merge", args: args, start: m.start, end: m.end, ports: ports, openOnly: m.openOnly, partial: m.partial}
	k := 0
	for i, o := range outs {
		var err error
		switch o.format {
		case "jsonl":
			err = m.jsonl[k].finish(info, a)
			k++
			if err == nil {
				b, _ := json.Marshal(m.summary(a))
				_, err = writers[i].Write(append(b, '\n'))
			}
		case "xml":
			err = writeXML(writers[i], m.table, info, a)
		case "grep":
			err = writeGrepable(writers[i], m.table, info, a)
		case "normal":
			err = writeNormal(writers[i], m.table, info, a)
		}
		if err == nil {
			err = writers[i].commit()
		}
		if err != nil {
			return ExitFailure, fmt.Errorf("writing %s: %w", o.path, err)
		}
	}
	return ExitOK, nil
}

// outputFile is a merge output: stdout, a file that is not regular (a
// pipe), or a temporary file beside the path, renamed over it by commit.
type outputFile struct {
	io.Writer
	tmp     *os.File
	path    string
	done    bool
	created bool // the path did not exist: abort removes it
}

func createOutput(path string, stdout io.Writer) (*outputFile, error) {
	if path == "-" {
		return &outputFile{Writer: stdout}, nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &outputFile{Writer: f, tmp: f, done: true}, nil
	}
	// Fail now if the path itself cannot be written.
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	mode := os.FileMode(0o644)
	if fi, err := f.Stat(); err == nil {
		mode = fi.Mode().Perm()
	}
	f.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	tmp.Chmod(mode)
	return &outputFile{Writer: tmp, tmp: tmp, path: path, created: errors.Is(statErr, os.ErrNotExist)}, nil
}

func (o *outputFile) commit() error {
	if o.tmp == nil {
		return nil
	}
	if o.done {
		return o.tmp.Close()
	}
	o.done = true
	err := o.tmp.Close()
	if err == nil {
		err = os.Rename(o.tmp.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.tmp.Name())
	}
	return err
}

func (o *outputFile) abort() {
	if o.tmp == nil || o.done {
		return
	}
	o.done = true
	o.tmp.Close()
	os.Remove(o.tmp.Name())
	if o.created {
		os.Remove(o.path)
	}
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

// seenValue packs what merge keeps of a record taken: its state, the
// input and the line, to name both records of a conflict.
func seenValue(st scan.State, in, line int) uint64 {
	return uint64(st&3)<<62 | uint64(min(in, 1<<14-1))<<48 | uint64(min(line, 1<<48-1))
}

func (m *merger) where(v uint64) string {
	in, line := int(v>>48&(1<<14-1)), int(v&(1<<48-1))
	if in < len(m.inputs) {
		return fmt.Sprintf("%s:%d", m.inputs[in].name, line)
	}
	return "?"
}

// skip counts a record merge cannot take and names it.
func (m *merger) skip(in *input, line int, format string, a ...any) {
	m.skipped++
	m.warnf("%s:%d: skipped: %s", in.name, line, fmt.Sprintf(format, a...))
}

// take adds a checked record; seedKnown is false for XML without
// netstar's audit (nmap's own), whose records carry no seed.
func (m *merger) take(in *input, line int, r *Record, seedKnown bool) error {
	st, _ := stateOf(r.State)
	ip, _ := netip.ParseAddr(r.IP)
	var k [18]byte
	a := ip.As16()
	copy(k[:], a[:])
	k[16], k[17] = byte(r.Port>>8), byte(r.Port)
	if v, dup := m.seen[k]; dup {
		m.dups++
		if prev := scan.State(v >> 62); prev != st {
			m.conflicts++
			m.warnf("%s:%d: %s port %d is %s here but %s in %s; kept the first", in.name, line, r.IP, r.Port, r.State, prev, m.where(v))
		}
		return nil
	}
	m.seen[k] = seenValue(st, in.idx, line)
	m.records++
	m.ports[r.Port] = true
	if r.Shard != "" {
		for s := range strings.SplitSeq(r.Shard, "+") {
			m.shards[s] = true
		}
	}
	if seedKnown {
		m.seeds[r.Seed] = true
	}
	if m.table != nil {
		m.table.add(r)
	}
	for _, k := range m.jsonl {
		if err := k.add(r); err != nil {
			return err
		}
	}
	return nil
}

// takeable says why a well-formed record read from a file cannot be
// merged (another protocol, another scan's state), or "" (check then
// finds what is malformed).
func takeable(r *Record) string {
	if _, err := netip.ParseAddr(r.IP); err != nil || r.Port < 1 || r.Port > scan.MaxPort || r.State == "" {
		return ""
	}
	if r.Proto != "" && r.Proto != "tcp" {
		return fmt.Sprintf("a %s record (%s port %d): netstar merges TCP connect scans only", r.Proto, r.IP, r.Port)
	}
	if _, ok := stateOf(r.State); !ok {
		return fmt.Sprintf("state %q (%s port %d) is not a TCP connect scan's (open, closed, filtered)", r.State, r.IP, r.Port)
	}
	return ""
}

// summaryLine is the last line of a merged JSON Lines output: what the
// merge found, so that a merged file says whether it is complete.
type summaryLine struct {
	Version     int      `json:"netstar_summary"`
	Shards      []string `json:"shards,omitempty"`  // the shards merged ("0/4", ...)
	Missing     []string `json:"missing,omitempty"` // the shards not merged
	Seed        uint64   `json:"seed"`
	Records     uint64   `json:"records"`
	Duplicates  uint64   `json:"duplicates"`
	Conflicts   uint64   `json:"conflicts"`
	Skipped     uint64   `json:"skipped"`
	Sent        uint64   `json:"sent"`
	Retries     uint64   `json:"retries"`
	LocalErrors uint64   `json:"local_errors"`
	Drops       uint64   `json:"drops"`
	Finished    bool     `json:"finished"` // every merged run walked its whole shard
	Complete    bool     `json:"complete"` // finished, and no shard missing
	Partial     string   `json:"partial,omitempty"`
}

func (m *merger) summary(a audit) summaryLine {
	s := summaryLine{Version: 1, Seed: a.Seed, Records: a.Probes, Duplicates: m.dups, Conflicts: m.conflicts, Skipped: m.skipped,
		Sent: a.Sent, Retries: a.Retries, LocalErrors: a.LocalErrors, Drops: a.Drops, Finished: a.Complete,
		Complete: m.partial == "", Partial: m.partial}
	if a.Shard != "" {
		s.Shards = strings.Split(a.Shard, "+")
	}
	if a.Missing != "" {
		s.Missing = strings.Split(a.Missing, ",")
	}
	return s
}

// readJSONL reads netstar scan's JSON Lines, a merged file (its summary
// line is an audit) or a checkpoint (whose header and marks are
// skipped). A last line cut short by a kill is dropped with a warning.
func (m *merger) readJSONL(in *input) error {
	line := 0
	for {
		b, err := in.r.ReadBytes('\n')
		if len(b) > 0 {
			line++
			if err := m.jsonLine(in, line, bytes.TrimSpace(b), err == io.EOF); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (m *merger) jsonLine(in *input, line int, b []byte, last bool) error {
	if len(b) == 0 || bytes.HasPrefix(b, []byte(`{"netstar_checkpoint"`)) || bytes.HasPrefix(b, []byte(`{"mark"`)) {
		return nil
	}
	if bytes.HasPrefix(b, []byte(`{"netstar_summary"`)) {
		var s summaryLine
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("line %d (a summary): %s", line, jsonProblem(err))
		}
		m.audits = append(m.audits, audit{Shard: strings.Join(s.Shards, "+"), Seed: s.Seed, Probes: s.Records, Sent: s.Sent,
			Retries: s.Retries, LocalErrors: s.LocalErrors, Drops: s.Drops, Complete: s.Finished})
		for _, sh := range s.Shards {
			m.shards[sh] = true
		}
		return nil
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		if last {
			m.cut = append(m.cut, in.name)
			fmt.Fprintf(m.stderr, "netstar merge: warning: %s:%d: the last line is cut short (a scan that did not finish?): dropped\n", in.name, line)
			return nil
		}
		return fmt.Errorf("line %d: %s", line, jsonProblem(err))
	}
	if why := takeable(&r); why != "" {
		m.skip(in, line, "%s", why)
		return nil
	}
	if err := r.check(); err != nil {
		return fmt.Errorf("line %d: %v", line, err)
	}
	if t, err := time.Parse(time.RFC3339Nano, r.Time); err == nil {
		if t.Before(m.start) {
			m.start = t
		}
		if t.After(m.end) {
			m.end = t
		}
	}
	return m.take(in, line, &r, true)
}

type xmlPort struct {
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
}

type xmlExtra struct {
	State   string `xml:"state,attr"`
	Count   int    `xml:"count,attr"`
	Reasons []struct {
		Reason string `xml:"reason,attr"`
		Count  int    `xml:"count,attr"`
		Proto  string `xml:"proto,attr"`
		Ports  string `xml:"ports,attr"`
	} `xml:"extrareasons"`
}

// xmlHost is a <host> read element by element, so that one cut short
// keeps the ports before the cut.
type xmlHost struct {
	line    int
	endTime int64
	addrs   [][2]string // addr, addrtype
	names   [][2]string // name, type
	extras  []lined[xmlExtra]
	ports   []lined[xmlPort]
	cut     bool // the input ends inside it
}

type lined[T any] struct {
	line int
	v    T
}

// cutShort reports whether err is the XML decoder's end of input inside
// an element: a file cut short.
func cutShort(err error) bool {
	var se *xml.SyntaxError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &se) && se.Msg == "unexpected EOF"
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// readHost reads the <host> element se starts; complete is false when
// the input ends inside it.
func readHost(d *xml.Decoder, se xml.StartElement, line int) (h xmlHost, complete bool, err error) {
	h.line = line
	h.endTime, _ = strconv.ParseInt(attr(se, "endtime"), 10, 64)
	for {
		tok, err := d.Token()
		if err != nil {
			if cutShort(err) {
				return h, false, nil
			}
			return h, false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := d.InputPos()
			var err error
			switch t.Name.Local {
			case "hostnames", "ports":
				continue // their elements come next
			case "address":
				h.addrs = append(h.addrs, [2]string{attr(t, "addr"), attr(t, "addrtype")})
				err = d.Skip()
			case "hostname":
				h.names = append(h.names, [2]string{attr(t, "name"), attr(t, "type")})
				err = d.Skip()
			case "extraports":
				var e xmlExtra
				if err = d.DecodeElement(&e, &t); err == nil {
					h.extras = append(h.extras, lined[xmlExtra]{line, e})
				}
			case "port":
				var p xmlPort
				if err = d.DecodeElement(&p, &t); err == nil {
					h.ports = append(h.ports, lined[xmlPort]{line, p})
				}
			default:
				err = d.Skip()
			}
			if err != nil {
				if cutShort(err) {
					return h, false, nil
				}
				return h, false, err
			}
		case xml.EndElement:
			if t.Name.Local == "host" {
				return h, true, nil
			}
		}
	}
}

// readXML reads nmap's XML (netstar's or nmap's own -sT output) host by
// host. A file cut short (a scan killed while it streamed its XML) gives
// every port before the cut, and counts as a run that did not finish.
func (m *merger) readXML(in *input) error {
	d := xml.NewDecoder(in.r)
	var a, provisional audit
	hasAudit, hasProvisional, nmapDone := false, false, false
	var hosts []xmlHost // held until the audit (at the end) gives shard and seed
	sawRun, cut, runClosed := false, false, false
	cutAt := 0
loop:
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if sawRun && !runClosed {
				cut = true // ended between elements, before </nmaprun>
				cutAt, _ = d.InputPos()
			}
			break
		}
		if err != nil {
			if sawRun && cutShort(err) {
				cut = true
				cutAt, _ = d.InputPos()
				break
			}
			return fmt.Errorf("XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			runClosed = runClosed || t.Name.Local == "nmaprun"
		case xml.Comment:
			if pa, ok := parseAudit(string(t)); ok && !hasProvisional {
				provisional, hasProvisional = pa, true
			}
		case xml.StartElement:
			switch t.Name.Local {
			case "nmaprun":
				sawRun = true
				if n, err := strconv.ParseInt(attr(t, "start"), 10, 64); err == nil && time.Unix(n, 0).Before(m.start) {
					m.start = time.Unix(n, 0)
				}
			case "host":
				line, _ := d.InputPos()
				h, complete, err := readHost(d, t, line)
				if err != nil {
					return fmt.Errorf("XML: %v", err)
				}
				h.cut = !complete
				hosts = append(hosts, h)
				if !complete {
					cut = true
					cutAt, _ = d.InputPos()
					break loop
				}
			case "finished":
				if n, err := strconv.ParseInt(attr(t, "time"), 10, 64); err == nil && time.Unix(n, 0).After(m.end) {
					m.end = time.Unix(n, 0)
				}
				a, hasAudit = parseAudit(attr(t, "summary"))
				nmapDone = attr(t, "exit") == "success"
			}
		}
	}
	if !sawRun {
		return errors.New("not nmap XML (no <nmaprun>)")
	}
	if cut {
		m.cut = append(m.cut, in.name)
		fmt.Fprintf(m.stderr, "netstar merge: warning: %s:%d: the XML is cut short (a scan that did not finish?): merged the %d hosts before the cut\n",
			in.name, cutAt, len(hosts))
	}
	switch {
	case hasAudit:
		m.audits = append(m.audits, a)
	case hasProvisional:
		a = provisional
		a.Complete = false
		m.audits = append(m.audits, a)
		hasAudit = true
	case !nmapDone && !cut:
		m.noAudit = append(m.noAudit, in.name)
	}
	for i := range hosts {
		if err := m.xmlHost(in, &hosts[i], a, hasAudit); err != nil {
			return err
		}
	}
	return nil
}

func (m *merger) xmlHost(in *input, h *xmlHost, a audit, hasAudit bool) error {
	var ip netip.Addr
	for _, ad := range h.addrs {
		if x, err := netip.ParseAddr(ad[0]); err == nil && (ad[1] == "ipv4" || ad[1] == "ipv6" || ad[1] == "") {
			ip = x
			break
		}
	}
	if !ip.IsValid() {
		if h.cut {
			return nil // cut before its address
		}
		return fmt.Errorf("line %d: a <host> without an IP address", h.line)
	}
	name := ""
	for _, hn := range h.names {
		if hn[1] == "user" || name == "" {
			name = hn[0]
		}
	}
	when := time.Unix(h.endTime, 0).UTC().Format(time.RFC3339Nano)
	base := Record{IP: ip.String(), Host: name, Proto: "tcp", Shard: a.Shard, Seed: a.Seed, Time: when}
	for _, lp := range h.ports {
		p := lp.v
		r := base
		r.Proto, r.Port, r.State, r.Reason = p.Proto, p.ID, p.State.State, netstarReason(p.State.Reason)
		if why := takeable(&r); why != "" {
			m.skip(in, lp.line, "%s", why)
			continue
		}
		r.Service = serviceName(p.ID)
		for _, s := range p.Scripts {
			if s.ID == "banner" {
				r.Banner = s.Output
			}
		}
		if err := r.check(); err != nil {
			return fmt.Errorf("line %d: host %s: %v", lp.line, ip, err)
		}
		if err := m.take(in, lp.line, &r, hasAudit); err != nil {
			return err
		}
	}
	for _, le := range h.extras {
		e := le.v
		st, ok := stateOf(e.State)
		for _, reason := range e.Reasons {
			if reason.Proto != "" && reason.Proto != "tcp" || !ok {
				m.skipped += uint64(reason.Count)
				m.warnf("%s:%d: skipped: %d %s ports %s of %s (netstar merges TCP connect scans only)", in.name, le.line, reason.Count, cmpOr(reason.Proto, "tcp"), e.State, ip)
				continue
			}
			if reason.Ports == "" {
				if m.table != nil {
					m.table.host(ip).extra = append(m.table.host(ip).extra, extraCount{state: st, reason: netstarReason(reason.Reason), count: reason.Count})
				}
				if len(m.jsonl) > 0 {
					m.lost += uint64(reason.Count)
				}
				continue
			}
			ports, err := scan.ParsePorts(reason.Ports)
			if err != nil {
				return fmt.Errorf("line %d: host %s: extrareasons ports %q: %v", le.line, ip, reason.Ports, err)
			}
			for _, port := range ports {
				r := base
				r.Port, r.State, r.Reason, r.Service = port, e.State, netstarReason(reason.Reason), serviceName(port)
				if err := m.take(in, le.line, &r, hasAudit); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// missingShards lists, for each shard count N the inputs name, the
// shards I/N not merged; mixed says the inputs name several counts.
func (m *merger) missingShards() (missing []string, counts map[int]map[int]bool) {
	counts = map[int]map[int]bool{}
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
	for _, n := range slices.Sorted(func(yield func(int) bool) {
		for n := range counts {
			if !yield(n) {
				return
			}
		}
	}) {
		for i := range n {
			if !counts[n][i] {
				missing = append(missing, fmt.Sprintf("%d/%d", i, n))
			}
		}
	}
	return missing, counts
}

// mergedAudit sums the inputs' audits for the merged output, and sets
// m.partial when shards are missing, did not finish or were cut short.
func (m *merger) mergedAudit() audit {
	var a audit
	shards := slices.SortedFunc(func(yield func(string) bool) {
		for s := range m.shards {
			if !yield(s) {
				return
			}
		}
	}, compareShards)
	a.Shard = strings.Join(shards, "+")
	for s := range m.seeds {
		a.Seed = s
	}
	a.Complete = len(m.noAudit) == 0 && len(m.cut) == 0
	var unfinished []string
	for _, x := range m.audits {
		a.Sent += x.Sent
		a.Retries += x.Retries
		a.LocalErrors += x.LocalErrors
		a.Drops += x.Drops
		a.Complete = a.Complete && x.Complete
		if !x.Complete {
			unfinished = append(unfinished, cmpOr(x.Shard, "all"))
		}
	}
	a.Probes = m.records
	missing, counts := m.missingShards()
	a.Missing = strings.Join(missing, ",")
	var why []string
	if len(missing) > 0 {
		var total int
		for n := range counts {
			total += n
		}
		why = append(why, fmt.Sprintf("%d of %d shards merged (missing: %s)", total-len(missing), total, strings.Join(missing, ", ")))
	}
	if len(unfinished) > 0 {
		why = append(why, fmt.Sprintf("shards that did not finish: %s", strings.Join(unfinished, ", ")))
	}
	if len(m.cut) > 0 {
		why = append(why, fmt.Sprintf("inputs cut short: %s", strings.Join(m.cut, ", ")))
	}
	if len(why) > 0 {
		m.partial = "partial merge: " + strings.Join(why, "; ")
	}
	return a
}

// compareShards orders "I/N" shards by N, then I.
func compareShards(a, b string) int {
	sa, ea := scan.ParseShard(a)
	sb, eb := scan.ParseShard(b)
	if ea != nil || eb != nil {
		return strings.Compare(a, b)
	}
	if sa.Count != sb.Count {
		return sa.Count - sb.Count
	}
	return sa.Index - sb.Index
}

// report prints the audit and returns how many problems it found
// beyond a partial merge (which m.partial says).
func (m *merger) report() int {
	problems := 0
	fmt.Fprintf(m.stderr, "netstar merge: %d records from %d files", m.records, len(m.inputs))
	if m.dups > 0 {
		fmt.Fprintf(m.stderr, ", %d duplicates dropped", m.dups)
	}
	if m.skipped > 0 {
		fmt.Fprintf(m.stderr, ", %d records skipped", m.skipped)
	}
	fmt.Fprintln(m.stderr)
	if m.warned > maxWarnings {
		fmt.Fprintf(m.stderr, "netstar merge: warning: %d more skipped or conflicting records not named\n", m.warned-maxWarnings)
	}
	if m.conflicts > 0 {
		problems++
		fmt.Fprintf(m.stderr, "netstar merge: warning: %d duplicate ip:port records disagree on the state (the first was kept)\n", m.conflicts)
	}
	if m.skipped > 0 {
		problems++
	}
	if len(m.seeds) > 1 {
		problems++
		var ss []string
		for s := range m.seeds {
			ss = append(ss, strconv.FormatUint(s, 10))
		}
		sort.Strings(ss)
		fmt.Fprintf(m.stderr, "netstar merge: warning: the inputs come from different seeds (%s): shards of different walks overlap and leave gaps\n", strings.Join(ss, ", "))
	}
	missing, counts := m.missingShards()
	if len(counts) > 1 {
		problems++
		fmt.Fprintf(m.stderr, "netstar merge: warning: the inputs split the scan in different numbers of shards\n")
	}
	if len(missing) > 0 {
		fmt.Fprintf(m.stderr, "netstar merge: warning: shards missing: %s (or they found nothing)\n", strings.Join(missing, ", "))
	} else {
		for n := range counts {
			fmt.Fprintf(m.stderr, "netstar merge: all %d shards present\n", n)
		}
	}
	for _, a := range m.audits {
		if !a.Complete {
			fmt.Fprintf(m.stderr, "netstar merge: warning: shard %s did not finish (resume it, then merge again)\n", cmpOr(a.Shard, "all"))
		}
		if a.LocalErrors > 0 || a.Retries > 0 {
			fmt.Fprintf(m.stderr, "netstar merge: shard %s: %d retries, %d local errors\n", cmpOr(a.Shard, "all"), a.Retries, a.LocalErrors)
		}
	}
	if m.lost > 0 {
		problems++
		fmt.Fprintf(m.stderr, "netstar merge: warning: %d ports known only by count in XML input are not in the JSON Lines output\n", m.lost)
	}
	if m.partial != "" {
		fmt.Fprintf(m.stderr, "netstar merge: %s (exit status %d unless --allow-partial)\n", m.partial, ExitPartial)
	}
	return problems
}

// mergeArgs lets merge take its flags anywhere among the files, as scan
// does.
func mergeArgs(args []string) []string {
	var flags, files []string
	valued := map[string]bool{"-f": true, "-o": true, "-oJ": true, "-oX": true, "-oG": true, "-oN": true, "-oA": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			files = append(files, args[i+1:]...)
			i = len(args)
		case (valued[a] || valued[strings.TrimPrefix(a, "-")]) && i+1 < len(args):
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
