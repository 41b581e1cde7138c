package scancmd

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/netstar/netstar/modules/socket/scan"
)

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

// maxBannerOut is the most banner bytes the XML and normal outputs show.
const maxBannerOut = 1024

// nmapEscape writes a banner as nmap's banner script does in its output
// (XML's <script output>, -oN's "|_banner:"): trailing line ends
// dropped, every byte outside printable ASCII (0x20-0x7e) as \xHH in
// upper case, so "SSH-2.0-x\x80\xfe\r\n" reads SSH-2.0-x\x80\xFE. Bytes
// are escaped one by one, whatever the encoding: a banner's bytes are not
// known to be UTF-8. Past maxBannerOut bytes it is cut with "...".
func nmapEscape(b string) string {
	b = strings.TrimRight(b, "\r\n")
	cut := len(b) > maxBannerOut
	if cut {
		b = b[:maxBannerOut]
	}
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		if c := b[i]; c >= 0x20 && c <= 0x7e {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, `\x%02X`, c)
		}
	}
	if cut {
		sb.WriteString("...")
	}
	return sb.String()
}

// xmlFormat is nmap's XML (nmap.dtd, xmloutputversion 1.05): one <host>
// per address with at least one port, -sT's scaninfo, and the audit in
// runstats' summary.
type xmlFormat struct{}

func (xmlFormat) header(bw *bufio.Writer, info runInfo, streaming bool) {
	fmt.Fprintf(bw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n")
	fmt.Fprintf(bw, "<!-- %s (nmap-compatible XML) -->\n", strings.ReplaceAll(xmlEscape(info.args), "--", "- -"))
	if streaming {
		// A file cut short by a kill has no <runstats>: this comment
		// tells netstar merge its shard and seed.
		a := audit{Shard: info.shard, Seed: info.seed}
		fmt.Fprintf(bw, "<!-- %s: written while the scan runs; <runstats> ends the finished file -->\n", a)
	}
	fmt.Fprintf(bw, "<nmaprun scanner=\"nmap\" args=\"%s\" start=\"%d\" startstr=\"%s\" version=\"netstar\" xmloutputversion=\"1.05\">\n",
		xmlEscape(info.args), info.start.Unix(), info.start.Format(time.ANSIC))
	fmt.Fprintf(bw, "<scaninfo type=\"connect\" protocol=\"tcp\" numservices=\"%d\" services=\"%s\"/>\n", len(info.ports), intRanges(info.ports))
	fmt.Fprintf(bw, "<verbose level=\"%d\"/>\n<debugging level=\"0\"/>\n", info.verbose)
}

func (xmlFormat) host(bw *bufio.Writer, t *hostTable, h *hostAgg, info runInfo) {
	listed, extras := t.grouped(h, info)
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
			fmt.Fprintf(bw, "<script id=\"banner\" output=\"%s\"/>", xmlEscape(nmapEscape(b)))
		}
		fmt.Fprintf(bw, "</port>\n")
	}
	fmt.Fprintf(bw, "</ports>\n</host>\n")
}

func (xmlFormat) footer(bw *bufio.Writer, info runInfo, a audit, scanned int) {
	exit, errmsg := "success", ""
	switch {
	case info.partial != "":
		exit, errmsg = "error", info.partial
	case !a.Complete:
		exit, errmsg = "error", "scan interrupted: resume it with --resume"
	}
	elapsed := info.end.Sub(info.start).Seconds()
	fmt.Fprintf(bw, "<runstats><finished time=\"%d\" timestr=\"%s\" elapsed=\"%.2f\" summary=\"%s\" exit=\"%s\"",
		info.end.Unix(), info.end.Format(time.ANSIC), elapsed, xmlEscape(a.String()), exit)
	if errmsg != "" {
		fmt.Fprintf(bw, " errormsg=\"%s\"", xmlEscape(errmsg))
	}
	fmt.Fprintf(bw, "/><hosts up=\"%d\" down=\"0\" total=\"%d\"/>\n</runstats>\n</nmaprun>\n", scanned, scanned)
}

// writeXML writes t as one nmap XML document.
func writeXML(w io.Writer, t *hostTable, info runInfo, a audit) error {
	return writeDoc(w, xmlFormat{}, t, info, a)
}

// grepFormat is nmap's grepable output (-oG): one line per host with
// its listed ports, and the summarized states as "Ignored State"
// (with --open, as nmap, only the open ports and no Ignored State).
type grepFormat struct{}

func (grepFormat) header(bw *bufio.Writer, info runInfo, streaming bool) {
	fmt.Fprintf(bw, "# %s initiated %s as: %s\n", info.command, info.start.Format(time.ANSIC), info.args)
}

func (grepFormat) host(bw *bufio.Writer, t *hostTable, h *hostAgg, info runInfo) {
	listed, extras := t.grouped(h, info)
	fmt.Fprintf(bw, "Host: %s (%s)\tStatus: Up\n", h.ip, h.name)
	fmt.Fprintf(bw, "Host: %s (%s)\tPorts: ", h.ip, h.name)
	for i, p := range listed {
		if i > 0 {
			bw.WriteString(", ")
		}
		fmt.Fprintf(bw, "%d/%s/tcp//%s///", p.port, p.state, strings.ReplaceAll(serviceName(int(p.port)), "/", "|"))
	}
	if !info.openOnly {
		for i, g := range extras {
			if i == 0 {
				bw.WriteString("\tIgnored State: ")
			} else {
				bw.WriteString(", ")
			}
			fmt.Fprintf(bw, "%s (%d)", g.state, g.count)
		}
	}
	bw.WriteString("\n")
}

func (grepFormat) footer(bw *bufio.Writer, info runInfo, a audit, scanned int) {
	elapsed := info.end.Sub(info.start).Seconds()
	fmt.Fprintf(bw, "# Nmap done at %s -- %s (%s up) scanned in %.2f seconds\n", info.end.Format(time.ANSIC),
		plural(scanned, "IP address", "IP addresses"), plural(scanned, "host", "hosts"), elapsed)
	fmt.Fprintf(bw, "# %s\n", a)
	if info.partial != "" {
		fmt.Fprintf(bw, "# WARNING: %s\n", info.partial)
	}
}

// writeGrepable writes t as nmap's grepable output.
func writeGrepable(w io.Writer, t *hostTable, info runInfo, a audit) error {
	return writeDoc(w, grepFormat{}, t, info, a)
}

// normalFormat is nmap's normal output (-oN): per host "Nmap scan report
// for NAME (IP)", "Host is up", the states not shown ("Not shown: 96
// closed tcp ports (conn-refused), 2 filtered tcp ports (no-response)",
// every summarized state counted), then PORT STATE SERVICE columns
// (REASON with --reason) and the banners as nmap's banner script shows
// them.
type normalFormat struct{}

func (normalFormat) header(bw *bufio.Writer, info runInfo, streaming bool) {
	fmt.Fprintf(bw, "# %s initiated %s as: %s\n", info.command, info.start.Format(time.ANSIC), info.args)
	for _, name := range info.failed {
		fmt.Fprintf(bw, "Failed to resolve %q.\n", name)
	}
}

func (normalFormat) host(bw *bufio.Writer, t *hostTable, h *hostAgg, info runInfo) {
	listed, extras := t.grouped(h, info)
	title := h.ip.String()
	if h.name != "" {
		title = h.name + " (" + title + ")"
	}
	fmt.Fprintf(bw, "Nmap scan report for %s\n", title)
	bw.WriteString("Host is up")
	if info.reason {
		bw.WriteString(", received user-set")
	}
	if lat := h.latency(); lat > 0 {
		fmt.Fprintf(bw, " (%ss latency)", sigDigits(lat, 2))
	}
	bw.WriteString(".\n")
	if others := info.others[h.name]; h.name != "" && len(others) > 0 {
		fmt.Fprintf(bw, "Other addresses for %s (not scanned): %s\n", h.name, joinAddrs(others))
	}
	hidden := 0
	var shown []string
	for _, g := range extras {
		hidden += g.count
		for _, r := range g.reasons {
			shown = append(shown, fmt.Sprintf("%s (%s)", plural(r.count, g.state.String()+" tcp port", g.state.String()+" tcp ports"), nmapReason(r.reason)))
		}
	}
	if len(listed) == 0 {
		fmt.Fprintf(bw, "All %d scanned ports on %s are in ignored states.\n", hidden, title)
	}
	if hidden > 0 {
		fmt.Fprintf(bw, "Not shown: %s\n", strings.Join(shown, ", "))
	} else {
		bw.WriteString("\n")
	}
	if len(listed) == 0 {
		bw.WriteString("\n")
		return
	}
	{
		rows := [][]string{{"PORT", "STATE", "SERVICE"}}
		if info.reason {
			rows[0] = append(rows[0], "REASON")
		}
		var banners []string
		for _, p := range listed {
			svc := serviceName(int(p.port))
			if svc == "" {
				svc = "unknown"
			}
			row := []string{strconv.Itoa(int(p.port)) + "/tcp", p.state.String(), svc}
			if info.reason {
				row = append(row, nmapReason(t.reasonName(p.reason)))
			}
			rows = append(rows, row)
			b, ok := t.banners[bannerKey{h.ip, p.port}]
			if ok {
				b = nmapEscape(b)
			}
			banners = append(banners, b)
		}
		widths := make([]int, len(rows[0]))
		for _, row := range rows {
			for i, cell := range row {
				widths[i] = max(widths[i], len(cell))
			}
		}
		for k, row := range rows {
			for i, cell := range row {
				bw.WriteString(cell)
				if i < len(row)-1 {
					bw.WriteString(strings.Repeat(" ", widths[i]-len(cell)+1))
				}
			}
			bw.WriteString("\n")
			if k > 0 && banners[k-1] != "" {
				fmt.Fprintf(bw, "|_banner: %s\n", banners[k-1])
			}
		}
		bw.WriteString("\n")
	}
}

func (normalFormat) footer(bw *bufio.Writer, info runInfo, a audit, scanned int) {
	elapsed := info.end.Sub(info.start).Seconds()
	fmt.Fprintf(bw, "# Nmap done at %s -- %s (%s up) scanned in %.2f seconds\n", info.end.Format(time.ANSIC),
		plural(scanned, "IP address", "IP addresses"), plural(scanned, "host", "hosts"), elapsed)
	fmt.Fprintf(bw, "# %s\n", a)
	if info.partial != "" {
		fmt.Fprintf(bw, "# WARNING: %s\n", info.partial)
	}
}

// writeNormal writes t as nmap's normal output.
func writeNormal(w io.Writer, t *hostTable, info runInfo, a audit) error {
	return writeDoc(w, normalFormat{}, t, info, a)
}

// sigDigits formats v with n significant digits, as nmap writes
// latencies ("0.000096", "0.0010", "0.17").
func sigDigits(v float64, n int) string {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	d := n - 1 - int(math.Floor(math.Log10(v)))
	return strconv.FormatFloat(v, 'f', max(d, 0), 64)
}

func joinAddrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, " ")
}
