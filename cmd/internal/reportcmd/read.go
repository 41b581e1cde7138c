package reportcmd

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Scan is what a report shows: the hosts of one or more scan outputs,
// with their ports, whatever format they came in.
type Scan struct {
	Hosts    []*Host
	Scanners []string // "netstar", "nmap 7.93": who wrote the inputs
	Args     []string // the command lines the inputs name
	Warnings []string // inputs cut short, skipped lines: shown in the report
	Probes   int      // ports probed (listed or counted in extraports)

	byIP map[string]*Host
	seen map[portKey]bool
}

// Host is one scanned address.
type Host struct {
	IP     string
	Addr   netip.Addr // zero when IP does not parse (nmap may write a MAC-only host)
	Names  []string   // host names, as the input gives them
	Status string     // "up", "down", or "" when the input does not say
	RTT    float64    // seconds; nmap XML's <times srtt>, 0 when unknown
	Ports  []*Port
	Extra  map[string]int // ports summarized by state (XML <extraports>)
}

// Port is one probed port of a host.
type Port struct {
	Port    int
	Proto   string
	State   string
	Reason  string
	Service string // the service's name, with product and version when known
	RTT     float64
	HasRTT  bool
	Banner  string // the bytes the port sent, as read (not necessarily UTF-8)
	Scripts []Script
}

// Script is a probe's output for a port (nmap's <script>, netstar's
// "scripts"); the banner is shown as one too.
type Script struct {
	ID     string
	Status string // ZGrab2's words (success, io-timeout...), when given
	Output string
}

type portKey struct {
	ip    string
	port  int
	proto string
}

func newScan() *Scan {
	return &Scan{byIP: map[string]*Host{}, seen: map[portKey]bool{}}
}

func (s *Scan) host(ip string) *Host {
	h := s.byIP[ip]
	if h == nil {
		h = &Host{IP: ip}
		h.Addr, _ = netip.ParseAddr(ip)
		s.byIP[ip] = h
		s.Hosts = append(s.Hosts, h)
	}
	return h
}

func (h *Host) addName(name string) {
	if name == "" {
		return
	}
	for _, n := range h.Names {
		if n == name {
			return
		}
	}
	h.Names = append(h.Names, name)
}

// addPort adds p to h unless the same ip/port/proto was read before: the
// first one is kept, as netstar merge keeps it.
func (s *Scan) addPort(h *Host, p *Port) bool {
	k := portKey{h.IP, p.Port, p.Proto}
	if s.seen[k] {
		return false
	}
	s.seen[k] = true
	h.Ports = append(h.Ports, p)
	s.Probes++
	return true
}

func (s *Scan) addScanner(name string) {
	for _, n := range s.Scanners {
		if n == name {
			return
		}
	}
	s.Scanners = append(s.Scanners, name)
}

// finish sorts hosts by address and ports by number.
func (s *Scan) finish() {
	sort.SliceStable(s.Hosts, func(i, j int) bool { return hostLess(s.Hosts[i], s.Hosts[j]) })
	for _, h := range s.Hosts {
		sort.SliceStable(h.Ports, func(i, j int) bool {
			a, b := h.Ports[i], h.Ports[j]
			if a.Port != b.Port {
				return a.Port < b.Port
			}
			return a.Proto < b.Proto
		})
	}
}

func hostLess(a, b *Host) bool {
	switch {
	case a.Addr.IsValid() && b.Addr.IsValid():
		return a.Addr.Less(b.Addr)
	case a.Addr.IsValid() != b.Addr.IsValid():
		return a.Addr.IsValid()
	}
	return a.IP < b.IP
}

// maxLine is the longest JSON Lines record read: a banner is at most a
// few kB, probe outputs somewhat more.
const maxLine = 16 << 20

// Read reads one scan output, JSON Lines or nmap XML (told apart by their
// first byte), into s. name is the input's name for messages.
func (s *Scan) Read(r io.Reader, name string) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		c, err := br.Peek(1)
		if err != nil {
			if err == io.EOF {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s: empty input", name))
				return nil
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		switch c[0] {
		case ' ', '\t', '\r', '\n':
			br.ReadByte()
			continue
		case '<':
			return s.readXML(br, name)
		case '{':
			return s.readJSONL(br, name)
		}
		return fmt.Errorf("%s: neither JSON Lines nor XML (starts with %q)", name, c)
	}
}

// jsonRecord is a line of netstar scan's JSON Lines (see
// cmd/internal/scancmd's Record), with the "scripts" object of probes.
type jsonRecord struct {
	IP        string          `json:"ip"`
	Host      string          `json:"host"`
	Port      int             `json:"port"`
	Proto     string          `json:"proto"`
	State     string          `json:"state"`
	Reason    string          `json:"reason"`
	Service   string          `json:"service"`
	Product   string          `json:"product"`
	Version   string          `json:"version"`
	RTT       *float64        `json:"rtt"`
	Banner    string          `json:"banner"`
	BannerB64 string          `json:"banner_b64"`
	Scripts   json.RawMessage `json:"scripts"`
	Summary   json.RawMessage `json:"netstar_summary"`
	Partial   string          `json:"partial"`
}

func (s *Scan) readJSONL(br *bufio.Reader, name string) error {
	s.addScanner("netstar")
	for n := 1; ; n++ {
		line, err := readLine(br)
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
		last := err == io.EOF
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if perr := s.jsonLine(t, name, n); perr != nil {
				if last && !bytes.HasSuffix(line, []byte("\n")) {
					// A scan killed mid-write leaves its last line cut.
					s.Warnings = append(s.Warnings, fmt.Sprintf("%s:%d: last line cut short (%v): left out", name, n, perr))
					return nil
				}
				return fmt.Errorf("%s:%d: %w", name, n, perr)
			}
		}
		if last {
			return nil
		}
	}
}

// readLine reads a line of at most maxLine bytes, with its "\n".
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		if len(line)+len(frag) > maxLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		line = append(line, frag...)
		if err != bufio.ErrBufferFull {
			return line, err
		}
	}
}

func (s *Scan) jsonLine(line []byte, name string, n int) error {
	var r jsonRecord
	if err := json.Unmarshal(line, &r); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	if r.IP == "" {
		// netstar merge's summary, a checkpoint's header or marks.
		if r.Partial != "" {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s:%d: %s", name, n, r.Partial))
		}
		return nil
	}
	if r.Port < 0 || r.Port > 65535 {
		return fmt.Errorf("bad port %d", r.Port)
	}
	if r.State == "" {
		return errors.New("record without a state")
	}
	if r.Proto == "" {
		r.Proto = "tcp"
	}
	p := &Port{Port: r.Port, Proto: r.Proto, State: r.State, Reason: r.Reason,
		Service: serviceText(r.Service, r.Product, r.Version), Banner: r.Banner}
	if r.RTT != nil {
		p.RTT, p.HasRTT = *r.RTT, true
	}
	if r.BannerB64 != "" {
		b, err := base64.StdEncoding.DecodeString(r.BannerB64)
		if err != nil {
			return fmt.Errorf("bad banner_b64: %w", err)
		}
		p.Banner = string(b)
	}
	if len(r.Scripts) > 0 && string(r.Scripts) != "null" {
		sc, err := jsonScripts(r.Scripts)
		if err != nil {
			return err
		}
		p.Scripts = sc
	}
	ip := r.IP
	if a, err := netip.ParseAddr(ip); err == nil {
		ip = a.String()
	}
	h := s.host(ip)
	h.addName(r.Host)
	if h.Status == "" {
		h.Status = "up"
	}
	s.addPort(h, p)
	return nil
}

// jsonScripts reads "scripts": an object from probe names to their
// results, each a string (the output) or an object with "output"
// and/or "status" (other fields are shown as JSON).
func jsonScripts(raw json.RawMessage) ([]Script, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("bad scripts: %w", err)
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []Script
	for _, id := range ids {
		v := m[id]
		sc := Script{ID: id}
		var str string
		var obj map[string]json.RawMessage
		switch {
		case json.Unmarshal(v, &str) == nil:
			sc.Output = str
		case json.Unmarshal(v, &obj) == nil:
			if o, ok := obj["output"]; ok && json.Unmarshal(o, &str) == nil {
				sc.Output = str
				delete(obj, "output")
			}
			if o, ok := obj["status"]; ok && json.Unmarshal(o, &str) == nil {
				sc.Status = str
				delete(obj, "status")
			}
			if len(obj) > 0 {
				rest, _ := json.MarshalIndent(obj, "", "  ")
				if sc.Output != "" {
					sc.Output += "\n"
				}
				sc.Output += string(rest)
			}
		default:
			sc.Output = string(v)
		}
		out = append(out, sc)
	}
	return out, nil
}

func serviceText(name, product, version string) string {
	return strings.TrimSpace(strings.Join(strings.Fields(name+" "+product+" "+version), " "))
}

// xmlHost is nmap's <host> (nmap.dtd), the parts a report shows.
type xmlHost struct {
	Status struct {
		State string `xml:"state,attr"`
	} `xml:"status"`
	Addresses []struct {
		Addr string `xml:"addr,attr"`
		Type string `xml:"addrtype,attr"`
	} `xml:"address"`
	Hostnames []struct {
		Name string `xml:"name,attr"`
	} `xml:"hostnames>hostname"`
	Extra []struct {
		State string `xml:"state,attr"`
		Count int    `xml:"count,attr"`
	} `xml:"ports>extraports"`
	Ports []struct {
		ID    int    `xml:"portid,attr"`
		Proto string `xml:"protocol,attr"`
		State struct {
			State  string `xml:"state,attr"`
			Reason string `xml:"reason,attr"`
		} `xml:"state"`
		Service *struct {
			Name      string `xml:"name,attr"`
			Product   string `xml:"product,attr"`
			Version   string `xml:"version,attr"`
			ExtraInfo string `xml:"extrainfo,attr"`
		} `xml:"service"`
		Scripts []xmlScript `xml:"script"`
	} `xml:"ports>port"`
	HostScripts []xmlScript `xml:"hostscript>script"`
	Times       *struct {
		SRTT string `xml:"srtt,attr"`
	} `xml:"times"`
}

// xmlScript is nmap's <script id output>, with its structured output.
type xmlScript struct {
	ID     string     `xml:"id,attr"`
	Output string     `xml:"output,attr"`
	Elems  []xmlElem  `xml:"elem"`
	Tables []xmlTable `xml:"table"`
}

type xmlElem struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type xmlTable struct {
	Key    string     `xml:"key,attr"`
	Elems  []xmlElem  `xml:"elem"`
	Tables []xmlTable `xml:"table"`
}

func (sc xmlScript) script() Script {
	out := sc.Output
	if strings.TrimSpace(out) == "" {
		var sb strings.Builder
		writeStructured(&sb, sc.Elems, sc.Tables, "")
		out = strings.TrimRight(sb.String(), "\n")
	}
	return Script{ID: sc.ID, Output: out}
}

// writeStructured writes <elem>/<table> output as indented key: value
// lines, for a script whose output attribute is empty.
func writeStructured(sb *strings.Builder, elems []xmlElem, tables []xmlTable, indent string) {
	for _, e := range elems {
		if e.Key != "" {
			fmt.Fprintf(sb, "%s%s: %s\n", indent, e.Key, e.Value)
		} else {
			fmt.Fprintf(sb, "%s%s\n", indent, e.Value)
		}
	}
	for _, t := range tables {
		if t.Key != "" {
			fmt.Fprintf(sb, "%s%s:\n", indent, t.Key)
		}
		writeStructured(sb, t.Elems, t.Tables, indent+"  ")
	}
}

func (s *Scan) readXML(br *bufio.Reader, name string) error {
	d := xml.NewDecoder(br)
	d.Strict = true
	sawRun, finished := false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if sawRun {
				// An XML file of a killed scan ends early: keep the hosts read.
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s: cut short (%v): the report shows the hosts before the cut", name, err))
				return nil
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "nmaprun":
			sawRun = true
			scanner, version := "", ""
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "scanner":
					scanner = a.Value
				case "version":
					version = a.Value
				case "args":
					if a.Value != "" {
						s.Args = append(s.Args, a.Value)
					}
				}
			}
			switch {
			case version == "netstar":
				s.addScanner("netstar")
			case scanner != "":
				s.addScanner(strings.TrimSpace(scanner + " " + version))
			}
		case "host":
			if !sawRun {
				return fmt.Errorf("%s: <host> outside <nmaprun>", name)
			}
			var xh xmlHost
			if err := d.DecodeElement(&xh, &se); err != nil {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s: cut short inside a <host> (%v): the report shows the hosts before the cut", name, err))
				return nil
			}
			if err := s.xmlHost(&xh); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		case "finished":
			finished = true
			for _, a := range se.Attr {
				if a.Name.Local == "errormsg" && a.Value != "" {
					s.Warnings = append(s.Warnings, fmt.Sprintf("%s: %s", name, a.Value))
				}
			}
		}
	}
	if !sawRun {
		return fmt.Errorf("%s: not nmap XML (no <nmaprun>)", name)
	}
	if !finished {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: the scan did not finish (no <runstats>)", name))
	}
	return nil
}

func (s *Scan) xmlHost(xh *xmlHost) error {
	ip := ""
	for _, a := range xh.Addresses {
		if a.Type == "ipv4" || a.Type == "ipv6" || (ip == "" && a.Type != "mac") {
			ip = a.Addr
			break
		}
	}
	if ip == "" && len(xh.Addresses) > 0 {
		ip = xh.Addresses[0].Addr
	}
	if ip == "" {
		return errors.New("<host> without an address")
	}
	if a, err := netip.ParseAddr(ip); err == nil {
		ip = a.String()
	}
	h := s.host(ip)
	for _, hn := range xh.Hostnames {
		h.addName(hn.Name)
	}
	if h.Status == "" || xh.Status.State == "up" {
		h.Status = xh.Status.State
	}
	if xh.Times != nil {
		if us, err := strconv.ParseFloat(xh.Times.SRTT, 64); err == nil && us > 0 {
			h.RTT = us / 1e6
		}
	}
	for _, e := range xh.Extra {
		if e.Count < 0 || e.Count > 1<<20 {
			return fmt.Errorf("host %s: bad extraports count %d", ip, e.Count)
		}
		if h.Extra == nil {
			h.Extra = map[string]int{}
		}
		h.Extra[e.State] += e.Count
		s.Probes += e.Count
	}
	for _, xp := range xh.Ports {
		if xp.ID < 0 || xp.ID > 65535 {
			return fmt.Errorf("host %s: bad port %d", ip, xp.ID)
		}
		p := &Port{Port: xp.ID, Proto: xp.Proto, State: xp.State.State, Reason: xp.State.Reason}
		if p.Proto == "" {
			p.Proto = "tcp"
		}
		if sv := xp.Service; sv != nil {
			p.Service = serviceText(sv.Name, sv.Product, sv.Version)
			if sv.ExtraInfo != "" {
				p.Service += " (" + sv.ExtraInfo + ")"
			}
		}
		for _, sc := range xp.Scripts {
			p.Scripts = append(p.Scripts, sc.script())
		}
		s.addPort(h, p)
	}
	_ = xh.HostScripts // host scripts have no port: not shown yet
	return nil
}

// printable returns b as text for a <pre>: valid UTF-8 as it is, except
// control characters other than tab and line ends, and every byte that is
// not UTF-8, written \xHH (the escaping of netstar's JSON "banner").
// HTML escaping is html/template's job; this keeps the page valid text.
func printable(b string) string {
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRuneInString(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&sb, `\x%02x`, b[i])
		case r == '\r' && i+1 < len(b) && b[i+1] == '\n':
		case r == '\n' || r == '\t':
			sb.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&sb, `\x%02x`, r)
		default:
			sb.WriteString(b[i : i+n])
		}
		i += n
	}
	return sb.String()
}
