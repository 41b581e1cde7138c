package reportcmd

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// fuzzSeeds are inputs of both formats; each fuzz target's seed corpus,
// run as ordinary tests by go test.
var fuzzSeeds = []string{
	jsonLine("10.0.0.5", 22, "open", "ssh", xssBanner, 0.0004),
	hostileScan(),
	`{"ip":"10.0.0.5","port":22,"state":"open","banner_b64":"U1NILTIuMC14gP4NCg==","scripts":{"a":{"status":"success","output":"x","n":[1,2]}}}` + "\n",
	`{"netstar_summary":1,"partial":"partial merge"}` + "\n",
	`{"ip":"not an ip","port":0,"state":"weird<b>","proto":"udp","rtt":-1}` + "\n" + `{"ip":"10`,
	`<?xml version="1.0"?><nmaprun scanner="nmap" version="7.93" args="nmap &lt;x&gt;"><host><status state="up"/>` +
		`<address addr="::1" addrtype="ipv6"/><hostnames><hostname name="&lt;img src=x onerror=alert(1)&gt;"/></hostnames>` +
		`<ports><extraports state="closed" count="5"/><port protocol="tcp" portid="80"><state state="open" reason="syn-ack"/>` +
		`<service name="http" product="&lt;script&gt;"/><script id="t" output=""><table key="k"><elem key="e">&lt;/pre&gt;</elem></table></script>` +
		`</port></ports><times srtt="12"/></host><runstats><finished exit="success"/></runstats></nmaprun>`,
	`<nmaprun><host><address addr="10.0.0.1" addrtype="ipv4"/><ports><port portid="1"><state state="open"/></port>`,
	"<nmaprun><host/></nmaprun>",
	"\x00\xff",
}

// markup are the tags a page may hold; anything else came from the input.
var markup = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)`)

var pageTags = map[string]bool{"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true,
	"header": true, "h1": true, "h2": true, "h3": true, "h4": true, "p": true, "code": true, "main": true, "div": true,
	"b": true, "figure": true, "figcaption": true, "svg": true, "line": true, "rect": true, "text": true, "table": true,
	"thead": true, "tbody": true, "tr": true, "th": true, "td": true, "a": true, "section": true, "pre": true, "script": true}

// checkRead reads in; when it reads, the page renders and holds only the
// page's own tags and a single script: input never becomes markup.
func checkRead(t *testing.T, in []byte) {
	s := newScan()
	if err := s.Read(bytes.NewReader(in), "fuzz"); err != nil {
		if !strings.HasPrefix(err.Error(), "fuzz") {
			t.Errorf("error %q does not name the input", err)
		}
		return
	}
	var out bytes.Buffer
	if err := Render(&out, s, Options{Title: "<t>", AllRows: true}); err != nil {
		t.Fatalf("Render: %v", err)
	}
	page := out.String()
	if n := strings.Count(page, "<script"); n != 1 {
		t.Fatalf("%d <script> tags, want the sort script only", n)
	}
	// The sort script's own text has comparisons (x<y).
	page = strings.Replace(page, sortScript, "", 1)
	for _, m := range markup.FindAllStringSubmatch(page, -1) {
		if !pageTags[m[2]] {
			t.Fatalf("the page holds a <%s%s> tag from the input:\n%s", m[1], m[2], page)
		}
	}
	if !strings.HasSuffix(page, "</html>\n") {
		t.Fatalf("the page does not end with </html>")
	}
}

func FuzzReadJSONL(f *testing.F) {
	for _, s := range fuzzSeeds {
		if !strings.HasPrefix(s, "<") {
			f.Add([]byte(s))
		}
	}
	f.Fuzz(checkRead)
}

func FuzzReadXML(f *testing.F) {
	for _, s := range fuzzSeeds {
		if strings.HasPrefix(s, "<") {
			f.Add([]byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkRead(t, append([]byte("<"), bytes.TrimLeft(in, "<")...))
	})
}
