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
)

func xmlEscape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var sb strings.Builder
	xml.EscapeText(&sb, []byte(s))
	return sb.String()
}

// needsEscape reports whether s has a byte that xml.EscapeText changes.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c >= 0x80, c == '<', c == '>', c == '&', c == '\'', c == '"':
			return true
		}
	}
	return false
}

// appendEscaped appends s escaped for XML text and attributes.
func appendEscaped(b []byte, s string) []byte {
	if !needsEscape(s) {
		return append(b, s...)
	}
	return append(b, xmlEscape(s)...)
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
	reason := info.hostReason(h)
	up, _ := info.up.get(h.ip)
	// Appended by hand, not with fmt: a streamed scan writes a report
	// per host about every second.
	b := bw.AvailableBuffer()
	b = append(b, `<host starttime="`...)
	b = strconv.AppendInt(b, info.start.Unix(), 10)
	b = append(b, `" endtime="`...)
	b = strconv.AppendInt(b, info.end.Unix(), 10)
	b = append(b, `"><status state="up" reason="`...)
	b = append(b, reason...)
	b = append(b, "\" reason_ttl=\"0\"/>\n<address addr=\""...)
	b = h.ip.AppendTo(b)
	b = append(b, `" addrtype="`...)
	b = append(b, addrType(h.ip)...)
	b = append(b, "\"/>\n"...)
	if up.MAC != nil {
		b = append(b, `<address addr="`...)
		b = append(b, strings.ToUpper(up.MAC.String())...)
		b = append(b, `" addrtype="mac"`...)
		if v := macVendor(up.MAC); v != "" {
			b = append(b, ` vendor="`...)
			b = appendEscaped(b, v)
			b = append(b, '"')
		}
		b = append(b, "/>\n"...)
	}
	b = append(b, "<hostnames>\n"...)
	if h.name != "" {
		b = append(b, `<hostname name="`...)
		b = appendEscaped(b, h.name)
		b = append(b, "\" type=\"user\"/>\n"...)
	}
	b = append(b, "</hostnames>\n<ports>"...)
	for _, g := range extras {
		b = append(b, `<extraports state="`...)
		b = append(b, g.state.String()...)
		b = append(b, `" count="`...)
		b = strconv.AppendInt(b, int64(g.count), 10)
		b = append(b, "\">\n"...)
		for _, r := range g.reasons {
			b = append(b, `<extrareasons reason="`...)
			b = appendEscaped(b, nmapReason(r.reason))
			b = append(b, `" count="`...)
			b = strconv.AppendInt(b, int64(r.count), 10)
			b = append(b, `" proto="tcp"`...)
			if len(r.ports) > 0 {
				b = append(b, ` ports="`...)
				b = append(b, portRanges(r.ports)...)
				b = append(b, '"')
			}
			b = append(b, "/>\n"...)
		}
		b = append(b, "</extraports>\n"...)
	}
	for _, p := range listed {
		b = append(b, `<port protocol="tcp" portid="`...)
		b = strconv.AppendInt(b, int64(p.port), 10)
		b = append(b, `"><state state="`...)
		b = append(b, p.state.String()...)
		b = append(b, `" reason="`...)
		b = appendEscaped(b, nmapReason(t.reasonName(p.reason)))
		b = append(b, `" reason_ttl="0"/>`...)
		if name := serviceName(int(p.port)); name != "" {
			b = append(b, `<service name="`...)
			b = appendEscaped(b, name)
			b = append(b, `" method="table" conf="3"/>`...)
		}
		if banner, ok := t.banners[bannerKey{h.ip, p.port}]; ok {
			b = append(b, `<script id="banner" output="`...)
			b = appendEscaped(b, nmapEscape(banner))
			b = append(b, `"/>`...)
		}
		b = append(b, "</port>\n"...)
	}
	b = append(b, "</ports>\n</host>\n"...)
	bw.Write(b)
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
	total, up := info.hostCounts(scanned)
	fmt.Fprintf(bw, "/><hosts up=\"%d\" down=\"%d\" total=\"%d\"/>\n</runstats>\n</nmaprun>\n", up, total-up, total)
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
	b := bw.AvailableBuffer()
	for i := range 2 {
		b = append(b, "Host: "...)
		b = h.ip.AppendTo(b)
		b = append(b, " ("...)
		b = append(b, h.name...)
		if i == 0 {
			b = append(b, ")\tStatus: Up\n"...)
		} else {
			b = append(b, ")\tPorts: "...)
		}
	}
	for i, p := range listed {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(p.port), 10)
		b = append(b, '/')
		b = append(b, p.state.String()...)
		b = append(b, "/tcp//"...)
		b = append(b, strings.ReplaceAll(serviceName(int(p.port)), "/", "|")...)
		b = append(b, "///"...)
	}
	if !info.openOnly {
		for i, g := range extras {
			if i == 0 {
				b = append(b, "\tIgnored State: "...)
			} else {
				b = append(b, ", "...)
			}
			b = append(b, g.state.String()...)
			b = append(b, " ("...)
			b = strconv.AppendInt(b, int64(g.count), 10)
			b = append(b, ')')
		}
	}
	b = append(b, '\n')
	bw.Write(b)
}

func (grepFormat) footer(bw *bufio.Writer, info runInfo, a audit, scanned int) {
	nmapDone(bw, info, a, scanned)
}

// nmapDone writes the closing lines grepable and normal output share:
// nmap's "Nmap done" line, netstar's audit, a partial merge's warning.
func nmapDone(bw *bufio.Writer, info runInfo, a audit, scanned int) {
	elapsed := info.end.Sub(info.start).Seconds()
	total, up := info.hostCounts(scanned)
	fmt.Fprintf(bw, "# Nmap done at %s -- %s (%s up) scanned in %.2f seconds\n", info.end.Format(time.ANSIC),
		plural(total, "IP address", "IP addresses"), plural(up, "host", "hosts"), elapsed)
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
	b := bw.AvailableBuffer()
	b = append(b, "Nmap scan report for "...)
	title := len(b)
	if h.name != "" {
		b = append(b, h.name...)
		b = append(b, " ("...)
		b = h.ip.AppendTo(b)
		b = append(b, ')')
	} else {
		b = h.ip.AppendTo(b)
	}
	titleEnd := len(b)
	b = append(b, "\nHost is up"...)
	if info.reason {
		b = append(b, ", received "...)
		b = append(b, info.hostReason(h)...)
	}
	if lat := h.latency(); lat > 0 {
		b = append(b, " ("...)
		b = append(b, sigDigits(lat, 2)...)
		b = append(b, "s latency)"...)
	}
	b = append(b, ".\n"...)
	if others := info.others[h.name]; h.name != "" && len(others) > 0 {
		b = append(b, "Other addresses for "...)
		b = append(b, h.name...)
		b = append(b, " (not scanned): "...)
		b = append(b, joinAddrs(others)...)
		b = append(b, '\n')
	}
	hidden := 0
	for _, g := range extras {
		hidden += g.count
	}
	if len(listed) == 0 {
		b = append(b, "All "...)
		b = strconv.AppendInt(b, int64(hidden), 10)
		b = append(b, " scanned ports on "...)
		b = append(b, b[title:titleEnd]...)
		b = append(b, " are in ignored states.\n"...)
	}
	if hidden > 0 {
		b = append(b, "Not shown: "...)
		first := true
		for _, g := range extras {
			for _, r := range g.reasons {
				if !first {
					b = append(b, ", "...)
				}
				first = false
				b = strconv.AppendInt(b, int64(r.count), 10)
				b = append(b, ' ')
				b = append(b, g.state.String()...)
				b = append(b, " tcp port"...)
				if r.count != 1 {
					b = append(b, 's')
				}
				b = append(b, " ("...)
				b = append(b, nmapReason(r.reason)...)
				b = append(b, ")"...)
			}
		}
		b = append(b, '\n')
	} else {
		b = append(b, '\n')
	}
	if len(listed) == 0 {
		b = append(b, '\n')
		bw.Write(b)
		return
	}
	// Columns as nmap aligns them: each as wide as its longest cell, one
	// space between, the last one not padded.
	wPort, wState, wService := len("PORT"), len("STATE"), len("SERVICE")
	for _, p := range listed {
		wPort = max(wPort, len(strconv.Itoa(int(p.port)))+len("/tcp"))
		wState = max(wState, len(p.state.String()))
		wService = max(wService, len(cmpOr(serviceName(int(p.port)), "unknown")))
	}
	pad := func(b []byte, cell string, width int, last bool) []byte {
		b = append(b, cell...)
		if !last {
			for range width - len(cell) + 1 {
				b = append(b, ' ')
			}
		}
		return b
	}
	b = pad(b, "PORT", wPort, false)
	b = pad(b, "STATE", wState, false)
	b = pad(b, "SERVICE", wService, !info.reason)
	if info.reason {
		b = append(b, "REASON"...)
	}
	b = append(b, '\n')
	for _, p := range listed {
		b = pad(b, strconv.Itoa(int(p.port))+"/tcp", wPort, false)
		b = pad(b, p.state.String(), wState, false)
		b = pad(b, cmpOr(serviceName(int(p.port)), "unknown"), wService, !info.reason)
		if info.reason {
			b = append(b, nmapReason(t.reasonName(p.reason))...)
		}
		b = append(b, '\n')
		if banner, ok := t.banners[bannerKey{h.ip, p.port}]; ok {
			b = append(b, "|_banner: "...)
			b = append(b, nmapEscape(banner)...)
			b = append(b, '\n')
		}
	}
	if up, _ := info.up.get(h.ip); up.MAC != nil {
		b = append(b, "MAC Address: "...)
		b = append(b, strings.ToUpper(up.MAC.String())...)
		b = append(b, " ("...)
		b = append(b, cmpOr(macVendor(up.MAC), "Unknown")...)
		b = append(b, ")\n"...)
	}
	b = append(b, '\n')
	bw.Write(b)
}

func (normalFormat) footer(bw *bufio.Writer, info runInfo, a audit, scanned int) {
	nmapDone(bw, info, a, scanned)
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
