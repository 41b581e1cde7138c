package scancmd

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/netstar/netstar/modules/socket/scan"
	"github.com/netstar/netstar/modules/socket/services"
)

// audit is what a scan says about itself at the end, so that merged
// results can be checked: which shard and seed, whether it finished,
// and the local errors and retries behind its outcomes.
type audit struct {
	Shard       string
	Seed        uint64
	Probes      uint64 // outcomes written
	Sent        uint64
	Retries     uint64
	LocalErrors uint64
	Drops       uint64
	// Complete says the run (every run merged) walked its whole shard.
	Complete bool
	// Missing lists the shards a merge lacks ("3/4,5/8"); empty for a
	// scan.
	Missing string
}

func (a audit) String() string {
	shard := a.Shard
	if shard == "" {
		shard = "all"
	}
	s := fmt.Sprintf("netstar shard=%s seed=%d probes=%d sent=%d retries=%d local_errors=%d drops=%d complete=%t",
		shard, a.Seed, a.Probes, a.Sent, a.Retries, a.LocalErrors, a.Drops, a.Complete)
	if a.Missing != "" {
		s += " missing=" + a.Missing
	}
	return s
}

// parseAudit reads audit.String's form back; ok is false if s is not one.
func parseAudit(s string) (a audit, ok bool) {
	i := strings.Index(s, "netstar shard=")
	if i < 0 {
		return a, false
	}
	for f := range strings.FieldsSeq(s[i+len("netstar "):]) {
		k, v, _ := strings.Cut(f, "=")
		n, _ := strconv.ParseUint(v, 10, 64)
		switch k {
		case "shard":
			if v != "all" {
				a.Shard = v
			}
		case "seed":
			a.Seed = n
		case "probes":
			a.Probes = n
		case "sent":
			a.Sent = n
		case "retries":
			a.Retries = n
		case "local_errors":
			a.LocalErrors = n
		case "drops":
			a.Drops = n
		case "complete":
			a.Complete = v == "true"
		case "missing":
			a.Missing = v
		}
	}
	return a, true
}

// runInfo describes a run for the headers and footers of the outputs.
type runInfo struct {
	command  string // "netstar scan" or "netstar merge"
	args     string
	start    time.Time
	end      time.Time
	ports    []int // the port list, for scaninfo
	openOnly bool  // --open: list only hosts with an open port, and only their open ports
	reason   bool  // --reason: -oN's REASON column
	verbose  int   // -v: nmap lists more ports before summarizing
	shard    string
	seed     uint64
	// others maps a target name to its addresses that were not scanned
	// (nmap's "Other addresses for NAME (not scanned)").
	others map[string][]netip.Addr
	// failed lists the target names that did not resolve.
	failed []string
	// partial says why a merge is partial, "" when it is not.
	partial string
	// hostsTotal and hostsUp count the targets' hosts and those found
	// up (zero: unknown, as in a merge; the listed hosts count then).
	hostsTotal, hostsUp int
	// noPing: discovery was off (-Pn), so every host is up, "user-set".
	noPing bool
	// up says why discovery found each host up, and its MAC address;
	// nil in a merge.
	up *upHosts
}

// hostReason returns nmap's <status reason> of a listed host: discovery's
// when it ran, "user-set" with -Pn, else guessed from its ports.
func (info runInfo) hostReason(h *hostAgg) string {
	if info.noPing {
		return scan.ReasonUserSet // nmap -Pn: up because the user said so
	}
	if u, ok := info.up.get(h.ip); ok {
		return u.Reason
	}
	for _, p := range h.ports {
		if p.state == scan.Open {
			return scan.ReasonSynAck
		}
	}
	return scan.ReasonConnRefused
}

// hostCounts returns how many hosts were targeted and found up.
func (info runInfo) hostCounts(scanned int) (total, up int) {
	if info.hostsTotal == 0 {
		return scanned, scanned
	}
	return info.hostsTotal, info.hostsUp
}

// listedHosts returns the hosts of t in address order (with --open, only
// those with an open port, as nmap's --open does) and how many hosts
// were scanned.
func listedHosts(t *hostTable, info runInfo) (listed []*hostAgg, scanned int) {
	all := t.sorted()
	scanned = len(all)
	if !info.openOnly {
		return all, scanned
	}
	return slices.DeleteFunc(all, func(h *hostAgg) bool {
		return !slices.ContainsFunc(h.ports, func(p portEntry) bool { return p.state == scan.Open })
	}), scanned
}

// openSink passes on only the records of open ports (--open).
type openSink struct{ sink }

func (s openSink) add(r *Record) error {
	if r.State != "open" {
		return nil
	}
	return s.sink.add(r)
}

// sink receives records as they are decided and finishes its output.
type sink interface {
	add(r *Record) error
	flush() error
	finish(info runInfo, a audit) error
}

// jsonlSink streams records as JSON Lines.
type jsonlSink struct {
	w   *bufio.Writer
	buf []byte
}

func newJSONL(w io.Writer) *jsonlSink { return &jsonlSink{w: bufio.NewWriterSize(w, 64<<10)} }

func (s *jsonlSink) add(r *Record) error {
	s.buf = appendJSON(s.buf[:0], r, -1)
	_, err := s.w.Write(s.buf)
	return err
}
func (s *jsonlSink) flush() error                { return s.w.Flush() }
func (s *jsonlSink) finish(runInfo, audit) error { return s.w.Flush() }

// groupedFormat is one of the formats that group ports by host: nmap's
// XML, grepable and normal output.
type groupedFormat interface {
	// header starts the document; streaming says it is written while
	// the scan runs (the final document replaces it).
	header(w *bufio.Writer, info runInfo, streaming bool)
	host(w *bufio.Writer, t *hostTable, h *hostAgg, info runInfo)
	footer(w *bufio.Writer, info runInfo, a audit, scanned int)
}

// writeDoc writes a whole document of format f: the hosts of t in
// address order.
func writeDoc(w io.Writer, f groupedFormat, t *hostTable, info runInfo, a audit) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	hosts, scanned := listedHosts(t, info)
	f.header(bw, info, false)
	for _, h := range hosts {
		f.host(bw, t, h, info)
	}
	f.footer(bw, info, a, scanned)
	return bw.Flush()
}

// groupedSink writes one grouped format. Into a regular file it streams:
// the header at once, then, every streamEvery while records arrive, one
// host report (an XML <host>, grepable lines, a normal report) per host
// with new records, so that a killed scan leaves a readable file that
// ends early. When the scan ends, the file is replaced (rename) by the
// document with one report per host. Written to stdout or to a file
// that is not regular (a pipe), the document is written once, at the
// end.
type groupedSink struct {
	format groupedFormat
	t      *hostTable // every record, for the final document
	fill   bool       // this sink adds to t and to the chunk (the first grouped sink does)
	w      *bufio.Writer
	// f is the output when it is a regular file (streamed), else nil.
	f     *os.File
	path  string
	chunk *chunk // the records not yet streamed, shared by the streamed sinks
	info  runInfo
}

// chunk holds the records that the streamed grouped outputs have not
// written yet. They share it: every checkpoint flushes each sink in turn,
// and the last one of a round starts the next chunk.
type chunk struct {
	pending *hostTable
	written time.Time // when the last chunk was written
	users   int       // the streamed sinks
	served  int       // the sinks flushed in this round
	due     bool      // this round writes the chunk
}

// streamEvery is how often the streamed grouped files get the reports of
// the hosts with new records: less often than JSON Lines' 100 ms, since a
// random walk spreads each interval's records over many hosts, and each
// host's report costs a header.
var streamEvery = time.Second

// streamable reports whether f is a regular file, which a grouped sink
// streams into.
func streamable(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

func newGroupedSink(format groupedFormat, t *hostTable, fill bool, w io.Writer, f *os.File, path string, c *chunk, info runInfo) *groupedSink {
	s := &groupedSink{format: format, t: t, fill: fill, w: bufio.NewWriterSize(w, 64<<10), path: path, chunk: c, info: info}
	if streamable(f) {
		s.f = f
		c.users++
		format.header(s.w, info, true)
		s.w.Flush()
	}
	return s
}

func (s *groupedSink) add(r *Record) error {
	if s.fill {
		s.t.add(r)
		if s.chunk != nil && s.chunk.users > 0 {
			s.chunk.pending.add(r)
		}
	}
	return nil
}

func (s *groupedSink) flush() error {
	if s.f == nil {
		return nil
	}
	c := s.chunk
	if c.served == 0 {
		c.due = time.Since(c.written) >= streamEvery && len(c.pending.hosts) > 0
	}
	c.served++
	if c.served == c.users {
		defer func() {
			c.served = 0
			if c.due {
				c.pending, c.written = newHostTable(), time.Now()
			}
		}()
	}
	if !c.due {
		return nil
	}
	info := s.info
	info.end = time.Now()
	hosts, _ := listedHosts(c.pending, info)
	for _, h := range hosts {
		s.format.host(s.w, c.pending, h, info)
	}
	return s.w.Flush()
}

func (s *groupedSink) finish(info runInfo, a audit) error {
	if s.f == nil {
		if err := writeDoc(s.w, s.format, s.t, info, a); err != nil {
			return err
		}
		return s.w.Flush()
	}
	// The records not streamed yet are in the document that replaces
	// the stream.
	if err := s.w.Flush(); err != nil {
		return err
	}
	return replaceFile(s.f, s.path, func(w io.Writer) error { return writeDoc(w, s.format, s.t, info, a) })
}

// replaceFile replaces the file f at path by what write writes: into a
// temporary file beside it, renamed over path, so that the file is
// whole at every moment; where no file can be created beside it, f is
// rewritten in place.
func replaceFile(f *os.File, path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if err := f.Truncate(0); err != nil {
			return err
		}
		return write(f)
	}
	if fi, err := f.Stat(); err == nil {
		tmp.Chmod(fi.Mode().Perm())
	}
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

var serviceNames sync.Map

func serviceName(port int) string {
	if v, ok := serviceNames.Load(port); ok {
		return v.(string)
	}
	name, _ := services.ScanTable().ByPort(port, "tcp")
	serviceNames.Store(port, name)
	return name
}

// intRanges writes sorted ports as "1-3,80".
func intRanges(ports []int) string {
	ps := make([]uint16, len(ports))
	for i, p := range ports {
		ps[i] = uint16(p)
	}
	return portRanges(ps)
}

// plural returns "1 IP address" or "2 IP addresses", as nmap counts.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
