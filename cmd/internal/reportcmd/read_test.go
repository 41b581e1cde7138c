package reportcmd

import (
	"reflect"
	"strings"
	"testing"
)

// portView is what a test compares of a port: "IP PORT/PROTO STATE
// REASON SERVICE", then each output as "[ID] TEXT".
func portViews(s *Scan) []string {
	var out []string
	for _, h := range s.Hosts {
		for _, p := range h.Ports {
			v := h.IP + " " + portName(p) + " " + p.State + " " + p.Reason + " " + p.Service
			if p.Banner != "" {
				v += " [banner] " + p.Banner
			}
			for _, sc := range p.Scripts {
				v += " [" + sc.ID + "]"
				if sc.Status != "" {
					v += "(" + sc.Status + ")"
				}
				v += " " + sc.Output
			}
			out = append(out, v)
		}
	}
	return out
}

func TestRead(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		ports    []string
		names    map[string][]string // host names by IP
		warnings int
		err      string
	}{
		{
			name: "netstar jsonl",
			input: `{"ip":"10.0.0.5","port":22,"proto":"tcp","state":"open","reason":"syn-ack","service":"ssh","rtt":0.00042,"seed":1,"time":"2026-11-27T08:26:06.087Z"}
{"ip":"10.0.0.5","port":81,"proto":"tcp","state":"closed","reason":"conn-refused","rtt":0.0001,"seed":1,"time":"2026-11-27T08:26:06.087Z"}
{"ip":"10.0.0.2","host":"db.lan","port":5432,"proto":"tcp","state":"filtered","reason":"no-response","rtt":2,"seed":1,"time":"2026-11-27T08:26:06.087Z"}
`,
			ports: []string{
				"10.0.0.2 5432/tcp filtered no-response ",
				"10.0.0.5 22/tcp open syn-ack ssh",
				"10.0.0.5 81/tcp closed conn-refused ",
			},
			names: map[string][]string{"10.0.0.2": {"db.lan"}},
		},
		{
			name:  "banner_b64 wins over the escaped text",
			input: `{"ip":"10.0.0.5","port":22,"proto":"tcp","state":"open","reason":"syn-ack","banner":"SSH-2.0-x\\x80\\xfe\r\n","banner_b64":"U1NILTIuMC14gP4NCg==","seed":1,"time":"t"}` + "\n",
			ports: []string{"10.0.0.5 22/tcp open syn-ack  [banner] SSH-2.0-x\x80\xfe\r\n"},
		},
		{
			name: "scripts as strings and objects, sorted by name",
			input: `{"ip":"::1","port":443,"state":"open","reason":"syn-ack","service":"https","product":"nginx","version":"1.22",` +
				`"scripts":{"ssl-cert":{"status":"success","output":"Subject: CN=x"},"http-title":"Hi","x":{"status":"io-timeout"}},"seed":1,"time":"t"}` + "\n",
			ports: []string{"::1 443/tcp open syn-ack https nginx 1.22 [http-title] Hi [ssl-cert](success) Subject: CN=x [x](io-timeout) "},
		},
		{
			name: "merge summary line and duplicates: the first record is kept",
			input: `{"ip":"10.0.0.1","port":80,"proto":"tcp","state":"open","reason":"syn-ack","seed":1,"time":"t"}
{"ip":"10.0.0.1","port":80,"proto":"tcp","state":"closed","reason":"conn-refused","seed":1,"time":"t"}
{"netstar_summary":1,"shards":["0/2"],"missing":["1/2"],"partial":"partial merge: 1 of 2 shards merged (missing: 1/2)"}
`,
			ports:    []string{"10.0.0.1 80/tcp open syn-ack "},
			warnings: 1,
		},
		{
			name: "a last line cut short by a kill is left out",
			input: `{"ip":"10.0.0.1","port":80,"proto":"tcp","state":"open","reason":"syn-ack","seed":1,"time":"t"}
{"ip":"10.0.0.1","port":81,"pro`,
			ports:    []string{"10.0.0.1 80/tcp open syn-ack "},
			warnings: 1,
		},
		{
			name:  "a bad line in the middle is an error naming it",
			input: "{\"ip\":\"10.0.0.1\",\"port\":80,\"state\":\"open\"}\n{oops\n{\"ip\":\"10.0.0.1\",\"port\":81,\"state\":\"open\"}\n",
			err:   "scan:2: bad JSON",
		},
		{name: "bad port", input: `{"ip":"10.0.0.1","port":70000,"state":"open"}` + "\n", err: "scan:1: bad port 70000"},
		{name: "no state", input: `{"ip":"10.0.0.1","port":7}` + "\n", err: "scan:1: record without a state"},
		{name: "bad base64", input: `{"ip":"10.0.0.1","port":7,"state":"open","banner_b64":"!!"}` + "\n", err: "scan:1: bad banner_b64"},
		{name: "neither format", input: "Nmap scan report for x\n", err: `scan: neither JSON Lines nor XML (starts with "N")`},
		{name: "empty", input: "\n\n", warnings: 1},
		{
			name: "nmap XML with extraports, services and structured scripts",
			input: `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sT -sV -sC 192.0.2.1" start="1" version="7.93" xmloutputversion="1.05">
<host><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="192.0.2.1" addrtype="ipv4"/><address addr="00:11:22:33:44:55" addrtype="mac"/>
<hostnames><hostname name="web.lan" type="user"/><hostname name="web.lan" type="PTR"/></hostnames>
<ports><extraports state="closed" count="997"><extrareasons reason="conn-refused" count="997"/></extraports>
<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="nginx" version="1.22.1" extrainfo="Debian" method="probed" conf="10"/>
<script id="http-title" output="Welcome &lt;b&gt;"><elem key="title">Welcome &lt;b&gt;</elem></script>
<script id="ssl-cert" output=""><table key="subject"><elem key="commonName">x</elem></table><elem key="sig">rsa</elem></script></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh" method="table" conf="3"/></port>
</ports><times srtt="250" rttvar="100" to="100000"/>
</host>
<runstats><finished time="2" exit="success"/><hosts up="1" down="0" total="1"/></runstats>
</nmaprun>
`,
			ports: []string{
				"192.0.2.1 22/tcp open syn-ack ssh",
				"192.0.2.1 80/tcp open syn-ack http nginx 1.22.1 (Debian) [http-title] Welcome <b> [ssl-cert] sig: rsa\nsubject:\n  commonName: x",
			},
			names: map[string][]string{"192.0.2.1": {"web.lan"}},
		},
		{
			name: "XML cut short inside a host keeps the hosts before",
			input: `<?xml version="1.0"?><nmaprun scanner="nmap" version="netstar">
<host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/></port></ports></host>
<host><status state="up"/><address addr="10.0.0.2" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state st`,
			ports:    []string{"10.0.0.1 22/tcp open syn-ack "},
			warnings: 1,
		},
		{name: "XML that is not nmap's", input: "<html><body>hi</body></html>", err: "scan: not nmap XML"},
		{name: "host outside nmaprun", input: "<x><host/></x>", err: "scan: <host> outside <nmaprun>"},
		{name: "malformed XML before nmaprun", input: "<nmap<", err: "scan: XML syntax error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScan()
			err := s.Read(strings.NewReader(tt.input), "scan")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Read: error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			s.finish()
			if got := portViews(s); !reflect.DeepEqual(got, tt.ports) {
				t.Errorf("ports:\n got %q\nwant %q", got, tt.ports)
			}
			for ip, want := range tt.names {
				if h := s.byIP[ip]; h == nil || !reflect.DeepEqual(h.Names, want) {
					t.Errorf("host %s names: got %+v, want %q", ip, h, want)
				}
			}
			if len(s.Warnings) != tt.warnings {
				t.Errorf("warnings: got %q, want %d", s.Warnings, tt.warnings)
			}
		})
	}
}

func TestReadXMLCountsAndRTT(t *testing.T) {
	s := newScan()
	in := `<nmaprun scanner="nmap" version="7.93"><host><status state="up"/><address addr="10.0.0.9" addrtype="ipv4"/>
<ports><extraports state="closed" count="998"/><extraports state="filtered" count="1"/>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/></port></ports><times srtt="1500"/></host>
<runstats><finished exit="error" errormsg="partial merge: 1 of 2 shards merged"/></runstats></nmaprun>`
	if err := s.Read(strings.NewReader(in), "x.xml"); err != nil {
		t.Fatal(err)
	}
	st := scanStats(s)
	if s.Probes != 1000 || st.states["closed"] != 998 || st.states["filtered"] != 1 || st.states["open"] != 1 {
		t.Errorf("probes %d, states %v: want 1000 with 998 closed, 1 filtered, 1 open", s.Probes, st.states)
	}
	if !st.rttFromHosts || len(st.rtts) != 1 || st.rtts[0] != 0.0015 {
		t.Errorf("rtts %v (from hosts %v), want the host's srtt 0.0015 s", st.rtts, st.rttFromHosts)
	}
	if !reflect.DeepEqual(s.Scanners, []string{"nmap 7.93"}) {
		t.Errorf("scanners %q", s.Scanners)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "partial merge") {
		t.Errorf("warnings %q, want the errormsg", s.Warnings)
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SSH-2.0-x\r\n", "SSH-2.0-x\n"},
		{"a\x80\xfeb", `a\x80\xfeb`},
		{"bell\x07 esc\x1b[31m del\x7f", `bell\x07 esc\x1b[31m del\x7f`},
		{"tab\there\nñandú €", "tab\there\nñandú €"},
		{"c1\u0085", `c1\x85`},
		{"lone\r", `lone\x0d`},
	}
	for _, tt := range tests {
		if got := printable(tt.in); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
