package scancmd

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"net/netip"
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
	Complete    bool
}

func (a audit) String() string {
	shard := a.Shard
	if shard == "" {
		shard = "all"
	}
	return fmt.Sprintf("netstar shard=%s seed=%d probes=%d sent=%d retries=%d local_errors=%d drops=%d complete=%t",
		shard, a.Seed, a.Probes, a.Sent, a.Retries, a.LocalErrors, a.Drops, a.Complete)
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
		}
	}
	return a, true
}

// runInfo describes a run for the XML and grepable headers.
type runInfo struct {
	args     string
	start    time.Time
	end      time.Time
	ports    []int // the port list, for scaninfo
	openOnly bool  // --open: list only hosts with an open port
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

// groupedSink gathers records by host and writes them at the end, in
// nmap's XML or grepable format.
type groupedSink struct {
	t     *hostTable
	w     io.Writer
	write func(w io.Writer, t *hostTable, info runInfo, a audit) error
}

func (s *groupedSink) add(r *Record) error { s.t.add(r); return nil }
func (s *groupedSink) flush() error        { return nil }
func (s *groupedSink) finish(info runInfo, a audit) error {
	return s.write(s.w, s.t, info, a)
}

var serviceNames sync.Map

func serviceName(port int) string {
	if v, ok := serviceNames.Load(port); ok {
		return v.(string)
	}
	name, _ := services.ByPort(port, "tcp")
	serviceNames.Store(port, name)
	return name
}

func xmlEscape(s string) string {
	var sb strings.Builder
	xml.EscapeText(&sb, []byte(s))
	return sb.String()
}

func addrType(ip netip.Addr) string {
	if ip.Is4() {
		return "ipv4"
	}
	return "ipv6"
}

// writeXML writes nmap's XML format (nmap.dtd, xmloutputversion 1.05):
// one <host> per address with at least one port, -sT's scaninfo, and
// the audit in runstats' summary.
func writeXML(w io.Writer, t *hostTable, info runInfo, a audit) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	hosts, scanned := listedHosts(t, info)
	fmt.Fprintf(bw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n")
	fmt.Fprintf(bw, "<!-- %s (nmap-compatible XML) -->\n", strings.ReplaceAll(xmlEscape(info.args), "--", "- -"))
	fmt.Fprintf(bw, "<nmaprun scanner=\"nmap\" args=\"%s\" start=\"%d\" startstr=\"%s\" version=\"netstar\" xmloutputversion=\"1.05\">\n",
		xmlEscape(info.args), info.start.Unix(), info.start.Format(time.ANSIC))
	fmt.Fprintf(bw, "<scaninfo type=\"connect\" protocol=\"tcp\" numservices=\"%d\" services=\"%s\"/>\n", len(info.ports), intRanges(info.ports))
	fmt.Fprintf(bw, "<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n")
	for _, h := range hosts {
		listed, extras := t.grouped(h)
		reason := "conn-refused"
		for _, p := range h.ports {
			if p.state == scan.Open {
				reason = "syn-ack"
				break
			}
		}
		fmt.Fprintf(bw, "<host starttime=\"%d\" endtime=\"%d\"><status state=\"up\" reason=\"%s\" reason_ttl=\"0\"/>\n",
			info.start.Unix(), info.end.Unix(), reason)
		fmt.Fprintf(bw, "<address addr=\"%s\" addrtype=\"%s\"/>\n", h.ip, addrType(h.ip))
		if h.name != "" {
			fmt.Fprintf(bw, "<hostnames>\n<hostname name=\"%s\" type=\"user\"/>\n</hostnames>\n", xmlEscape(h.name))
		} else {
			fmt.Fprintf(bw, "<hostnames>\n</hostnames>\n")
		}
		fmt.Fprintf(bw, "<ports>")
		for _, g := range extras {
			fmt.Fprintf(bw, "<extraports state=\"%s\" count=\"%d\">\n", g.state, g.count)
			for _, r := range g.reasons {
				fmt.Fprintf(bw, "<extrareasons reason=\"%s\" count=\"%d\" proto=\"tcp\"", xmlEscape(nmapReason(r.reason)), r.count)
				if len(r.ports) > 0 {
					fmt.Fprintf(bw, " ports=\"%s\"", portRanges(r.ports))
				}
				fmt.Fprintf(bw, "/>\n")
			}
			fmt.Fprintf(bw, "</extraports>\n")
		}
		for _, p := range listed {
			fmt.Fprintf(bw, "<port protocol=\"tcp\" portid=\"%d\"><state state=\"%s\" reason=\"%s\" reason_ttl=\"0\"/>",
				p.port, p.state, xmlEscape(nmapReason(t.reasonName(p.reason))))
			if name := serviceName(int(p.port)); name != "" {
				fmt.Fprintf(bw, "<service name=\"%s\" method=\"table\" conf=\"3\"/>", xmlEscape(name))
			}
			if b, ok := t.banners[bannerKey{h.ip, p.port}]; ok {
				fmt.Fprintf(bw, "<script id=\"banner\" output=\"%s\"/>", xmlEscape(scan.EscapeBanner(b, 1024)))
			}
			fmt.Fprintf(bw, "</port>\n")
		}
		fmt.Fprintf(bw, "</ports>\n</host>\n")
	}
	exit := "success"
	if !a.Complete {
		exit = "error"
	}
	elapsed := info.end.Sub(info.start).Seconds()
	fmt.Fprintf(bw, "<runstats><finished time=\"%d\" timestr=\"%s\" elapsed=\"%.2f\" summary=\"%s\" exit=\"%s\"",
		info.end.Unix(), info.end.Format(time.ANSIC), elapsed, xmlEscape(a.String()), exit)
	if !a.Complete {
		fmt.Fprintf(bw, " errormsg=\"scan interrupted: resume it with --resume\"")
	}
	fmt.Fprintf(bw, "/><hosts up=\"%d\" down=\"0\" total=\"%d\"/>\n</runstats>\n</nmaprun>\n", scanned, scanned)
	return bw.Flush()
}

// writeGrepable writes nmap's grepable format (-oG): one line per host
// with its listed ports, and the summarized state as "Ignored State".
func writeGrepable(w io.Writer, t *hostTable, info runInfo, a audit) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	hosts, scanned := listedHosts(t, info)
	fmt.Fprintf(bw, "# netstar scan initiated %s as: %s\n", info.start.Format(time.ANSIC), info.args)
	for _, h := range hosts {
		listed, extras := t.grouped(h)
		fmt.Fprintf(bw, "Host: %s (%s)\tStatus: Up\n", h.ip, h.name)
		fmt.Fprintf(bw, "Host: %s (%s)\tPorts: ", h.ip, h.name)
		for i, p := range listed {
			if i > 0 {
				bw.WriteString(", ")
			}
			fmt.Fprintf(bw, "%d/%s/tcp//%s///", p.port, p.state, strings.ReplaceAll(serviceName(int(p.port)), "/", "|"))
		}
		for i, g := range extras {
			if i == 0 {
				bw.WriteString("\tIgnored State: ")
			} else {
				bw.WriteString(", ")
			}
			fmt.Fprintf(bw, "%s (%d)", g.state, g.count)
		}
		bw.WriteString("\n")
	}
	elapsed := info.end.Sub(info.start).Seconds()
	fmt.Fprintf(bw, "# Nmap done at %s -- %d IP addresses (%d hosts up) scanned in %.2f seconds\n", info.end.Format(time.ANSIC), scanned, scanned, elapsed)
	fmt.Fprintf(bw, "# %s\n", a)
	return bw.Flush()
}

// intRanges writes sorted ports as "1-3,80".
func intRanges(ports []int) string {
	ps := make([]uint16, len(ports))
	for i, p := range ports {
		ps[i] = uint16(p)
	}
	return portRanges(ps)
}
