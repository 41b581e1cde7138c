package scan

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// udpPayloads are the datagrams a UDP probe sends to well-known ports, so
// that the service answers (an empty datagram gets no reply from most of
// them, and the port would be open|filtered). Written for netstar from
// the protocols' RFCs; nmap's nmap-payloads is not copied (its licence
// forbids it).
var udpPayloads = map[int][]byte{
	// DNS (RFC 1035): a status query with no question, which servers
	// answer (NOTIMP or an empty reply) without a lookup.
	53: mustHex("000010000000000000000000"),
	// NTP (RFC 5905): a version 4 client request, 48 bytes.
	123: append(mustHex("e30004fa000100000001000000000000"), make([]byte, 32)...),
	// NetBIOS name service (RFC 1002): a node status request for "*".
	137: mustHex("80f00010000100000000000020434b4141414141414141414141414141414141414141414141414141414141410000210001"),
	// SNMP v1 (RFC 1157): get-request of sysDescr.0, community "public".
	161: mustHex("302902010004067075626c6963a01c020400000001020100020100300e300c06082b060102010101000500"),
	// SSDP (UPnP): an M-SEARCH for every device.
	1900: []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"),
	// mDNS (RFC 6762): a unicast-response query for the DNS-SD services.
	5353: mustHex("000000000001000000000000095f7365727669636573075f646e732d7364045f756470056c6f63616c00000c8001"),
}

// Payload returns the datagram a UDP scan sends to port: netstar's
// protocol payload for DNS, NTP, NetBIOS-NS, SNMP, SSDP and mDNS; for
// other ports, the first payload nmap's nmap-payloads lists, read at run
// time when nmap is installed; else an empty datagram.
func Payload(port int) []byte {
	if p, ok := udpPayloads[port]; ok {
		return p
	}
	nmapPayloadsOnce.Do(loadNmapPayloads)
	for _, np := range nmapPayloads {
		if port >= np.Lo && port <= np.Hi {
			return np.Data
		}
	}
	return nil
}

// NmapPayload is one payload of nmap's nmap-payloads file: the UDP ports
// lo-hi it is sent to.
type NmapPayload struct {
	Lo, Hi int
	Data   []byte
}

var (
	nmapPayloadsOnce sync.Once
	nmapPayloads     []NmapPayload
)

// nmapPayloadFiles are where nmap installs nmap-payloads.
var nmapPayloadFiles = []string{"/usr/share/nmap/nmap-payloads", "/usr/local/share/nmap/nmap-payloads"}

func loadNmapPayloads() {
	paths := nmapPayloadFiles
	if dir := os.Getenv("NMAPDIR"); dir != "" {
		paths = append([]string{filepath.Join(dir, "nmap-payloads")}, paths...)
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if ps, err := ParseNmapPayloads(string(b)); err == nil {
			nmapPayloads = ps
		}
		return
	}
}

// ParseNmapPayloads reads nmap's nmap-payloads format: entries
// "udp PORTS "string" ["string"...] [source PORT]", the strings C-escaped
// and concatenated, possibly over several lines, # comments. Only the
// first payload of a port counts (Payload returns it); ports may be
// lists and ranges.
func ParseNmapPayloads(text string) ([]NmapPayload, error) {
	toks, err := payloadTokens(text)
	if err != nil {
		return nil, err
	}
	var out []NmapPayload
	for i := 0; i < len(toks); {
		if toks[i].quoted || toks[i].text != "udp" {
			return nil, fmt.Errorf("nmap-payloads line %d: want \"udp\", got %q", toks[i].line, toks[i].text)
		}
		if i+1 >= len(toks) || toks[i+1].quoted {
			return nil, fmt.Errorf("nmap-payloads line %d: udp without ports", toks[i].line)
		}
		ranges, err := payloadPorts(toks[i+1].text)
		if err != nil {
			return nil, fmt.Errorf("nmap-payloads line %d: %v", toks[i+1].line, err)
		}
		i += 2
		var data []byte
		for i < len(toks) && toks[i].quoted {
			data = append(data, toks[i].text...)
			i++
		}
		if i < len(toks) && !toks[i].quoted && toks[i].text == "source" {
			if i+1 >= len(toks) {
				return nil, fmt.Errorf("nmap-payloads line %d: source without a port", toks[i].line)
			}
			i += 2
		}
		for _, r := range ranges {
			out = append(out, NmapPayload{Lo: r[0], Hi: r[1], Data: data})
		}
	}
	return out, nil
}

type payloadToken struct {
	text   string
	quoted bool
	line   int
}

// payloadTokens splits nmap-payloads into words and unescaped strings.
func payloadTokens(text string) ([]payloadToken, error) {
	var toks []payloadToken
	line := 1
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '"':
			var b strings.Builder
			i++
			for {
				if i >= len(text) || text[i] == '\n' {
					return nil, fmt.Errorf("nmap-payloads line %d: unterminated string", line)
				}
				if text[i] == '"' {
					i++
					break
				}
				if text[i] != '\\' {
					b.WriteByte(text[i])
					i++
					continue
				}
				if i+1 >= len(text) {
					return nil, fmt.Errorf("nmap-payloads line %d: unterminated string", line)
				}
				e := text[i+1]
				i += 2
				switch e {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				case '0':
					b.WriteByte(0)
				case 'x':
					if i+2 > len(text) {
						return nil, fmt.Errorf("nmap-payloads line %d: bad \\x escape", line)
					}
					v, err := strconv.ParseUint(text[i:i+2], 16, 8)
					if err != nil {
						return nil, fmt.Errorf("nmap-payloads line %d: bad \\x escape %q", line, text[i:i+2])
					}
					b.WriteByte(byte(v))
					i += 2
				default:
					b.WriteByte(e) // \\, \", and the others as themselves
				}
			}
			toks = append(toks, payloadToken{text: b.String(), quoted: true, line: line})
		default:
			j := i
			for j < len(text) && !strings.ContainsRune(" \t\r\n\"#", rune(text[j])) {
				j++
			}
			toks = append(toks, payloadToken{text: text[i:j], line: line})
			i = j
		}
	}
	return toks, nil
}

// payloadPorts reads "53,69,32768-65535".
func payloadPorts(spec string) ([][2]int, error) {
	var out [][2]int
	for item := range strings.SplitSeq(spec, ",") {
		a, b, isRange := strings.Cut(item, "-")
		lo, err := strconv.Atoi(a)
		hi := lo
		if err == nil && isRange {
			hi, err = strconv.Atoi(b)
		}
		if err != nil || lo < 0 || hi > MaxPort || lo > hi {
			return nil, fmt.Errorf("bad ports %q", spec)
		}
		out = append(out, [2]int{lo, hi})
	}
	return out, nil
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
