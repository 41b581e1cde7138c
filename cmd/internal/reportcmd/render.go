package reportcmd

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"
)

// Options are a report's settings.
type Options struct {
	Title   string    // the page's title; "" is "netstar report"
	Inputs  []string  // the input files' names, shown in the header
	AllRows bool      // list every port in the table, not only open ones
	Now     time.Time // when the report is made; zero is time.Now()
}

// sortScript sorts the port table when a heading is clicked (and on load
// by #sort=COLUMN or #sort=-COLUMN). It is the page's only script, and the
// page's Content-Security-Policy allows it alone, by its hash.
const sortScript = `(function(){
var t=document.getElementById("ports");if(!t)return;
var b=t.tBodies[0],hs=t.tHead.rows[0].cells;
function key(r,i,num){var c=r.cells[i],k=c.getAttribute("data-k");if(k===null)k=c.textContent;
if(!num)return k;k=parseFloat(k);return isNaN(k)?-Infinity:k;}
function sort(i,desc){var num=hs[i].getAttribute("data-type")==="num",rows=Array.prototype.slice.call(b.rows);
var ks=rows.map(function(r,j){return [key(r,i,num),j,r];});
ks.sort(function(x,y){var d=x[0]<y[0]?-1:x[0]>y[0]?1:0;return (desc?-d:d)||x[1]-y[1];});
var f=document.createDocumentFragment();ks.forEach(function(k){f.appendChild(k[2]);});b.appendChild(f);
for(var j=0;j<hs.length;j++)hs[j].removeAttribute("aria-sort");
hs[i].setAttribute("aria-sort",desc?"descending":"ascending");}
for(var i=0;i<hs.length;i++)(function(i){hs[i].addEventListener("click",function(){
sort(i,hs[i].getAttribute("aria-sort")==="ascending");});})(i);
var m=/^#sort=(-?)([a-z]+)$/.exec(location.hash);
if(m)for(var j=0;j<hs.length;j++)if(hs[j].getAttribute("data-col")===m[2])sort(j,m[1]==="-");
t.setAttribute("data-sortable","");
})();`

// csp forbids every resource but the page's own inline CSS, data: images
// and the sort script: even if an escaping bug let markup from a banner
// through, a script in it would not run and nothing would be fetched.
var csp = func() string {
	sum := sha256.Sum256([]byte(sortScript))
	return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

const css = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1d232a;background:#fff}
header{background:#1d3557;color:#fff;padding:16px 24px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;color:#d8e2ef}
main{padding:8px 24px 40px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 16px;min-width:110px}
.card b{display:block;font-size:24px}
.warn{background:#fff5d6;border:1px solid #e3c35a;padding:6px 12px;border-radius:6px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;max-width:100%;overflow-x:auto}
figcaption{font-weight:600}
figure p{margin:2px 0 6px;color:#57606a;font-size:12px}
svg text{font-size:11px;fill:#1d232a}
svg text.num{fill:#57606a}
svg line{stroke:#8c959f}
.bar{fill:#457b9d}.grid{fill:#f3f5f7;stroke:#e1e4e8}
.st-open{fill:#2a9d8f}.st-closed{fill:#e76f51}.st-filtered{fill:#8d99ae}
.st-openfiltered{fill:#e9c46a}.st-unfiltered{fill:#b5838d}.st-other{fill:#6d597a}
table{border-collapse:collapse;margin-top:8px;font-size:13px}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7;cursor:pointer;user-select:none;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.s-open{color:#1b7a6e;font-weight:600}td.s-closed{color:#b6452b}
tbody tr:nth-child(even){background:#fafbfc}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;white-space:pre-wrap;word-break:break-all;max-height:30em;overflow:auto}
section.out h3{margin:18px 0 4px;font-size:15px}
section.out h4{margin:8px 0 2px;font-size:13px;color:#57606a}
`

const pageTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="` + "{{.CSP}}" + `">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="netstar report">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
{{range .Inputs}}<p>Input: {{.}}</p>{{end}}
{{if .Scanners}}<p>Scanner: {{join .Scanners ", "}}</p>{{end}}
{{range .Args}}<p>Command: <code>{{.}}</code></p>{{end}}
<p>Report made {{.Made}}</p>
</header>
<main>
<div class="cards">
<div class="card" id="n-hosts"><b>{{.St.Hosts}}</b>hosts</div>
<div class="card" id="n-up"><b>{{.St.Up}}</b>hosts up</div>
<div class="card" id="n-probes"><b>{{.Probes}}</b>ports probed</div>
<div class="card" id="n-open"><b>{{.St.Open}}</b>open ports</div>
<div class="card" id="n-hostsopen"><b>{{len .St.PerHost}}</b>hosts with open ports</div>
</div>
{{range .Warnings}}<p class="warn">{{.}}</p>
{{end}}
<h2>Charts</h2>
<div class="charts">
{{range .Charts}}<figure id="{{.ID}}">
<figcaption>{{.Title}}</figcaption>
{{if .Desc}}<p>{{.Desc}}</p>{{end}}
{{if .Rects}}<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}">
<title>{{.Title}}</title>
{{range .Lines}}<line x1="{{f .X1}}" y1="{{f .Y1}}" x2="{{f .X2}}" y2="{{f .Y2}}"/>
{{end}}{{range .Rects}}<rect x="{{f .X}}" y="{{f .Y}}" width="{{f .W}}" height="{{f .H}}" class="{{.Class}}">{{if .Tip}}<title>{{.Tip}}</title>{{end}}</rect>
{{end}}{{range .Texts}}<text x="{{f .X}}" y="{{f .Y}}" text-anchor="{{.Anchor}}"{{if .Class}} class="{{.Class}}"{{end}}{{if .Rotate}} transform="rotate(-90 {{f .X}} {{f .Y}})"{{end}}>{{.Text}}</text>
{{end}}</svg>{{else}}<p class="empty">{{.Empty}}</p>{{end}}
</figure>
{{end}}</div>
<h2>Ports</h2>
<p>{{if .AllRows}}Every listed port{{else}}Open ports{{end}}: {{len .Rows}} rows{{if .Hidden}} ({{.Hidden}} other ports are counted in the charts only{{if not .AllRows}}; <code>--all</code> lists those the input names{{end}}){{end}}. Click a heading to sort.</p>
<table id="ports">
<thead><tr><th data-col="host" data-type="key">Host</th><th data-col="name">Name</th><th data-col="port" data-type="num">Port</th><th data-col="proto">Proto</th><th data-col="state">State</th><th data-col="reason">Reason</th><th data-col="service">Service</th><th data-col="rtt" data-type="num">RTT (ms)</th><th data-col="output">Output</th></tr></thead>
<tbody>
{{range .Rows}}<tr><td data-k="{{.Key}}">{{.IP}}</td><td>{{.Name}}</td><td class="n">{{.Port}}</td><td>{{.Proto}}</td><td class="{{.StateClass}}">{{.State}}</td><td>{{.Reason}}</td><td>{{.Service}}</td><td class="n">{{.RTT}}</td><td>{{if .Out}}<a href="#o{{.Out}}">{{.Summary}}</a>{{end}}</td></tr>
{{end}}</tbody>
</table>
{{if .Outputs}}<h2>Probe output</h2>
{{range .Outputs}}<section class="out" id="o{{.N}}">
<h3>{{.Where}}</h3>
{{range .Scripts}}<h4>{{.ID}}{{if .Status}} ({{.Status}}){{end}}</h4>
<pre>{{.Output}}</pre>
{{end}}</section>
{{end}}{{end}}
</main>
<script>{{.Script}}</script>
</body>
</html>
`

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"f":    func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) },
	"join": strings.Join,
}).Parse(pageTemplate))

type row struct {
	Key, IP, Name   string
	Port            int
	Proto, State    string
	StateClass      string
	Reason, Service string
	RTT             string
	Out             int // the output section's number, 0 for none
	Summary         string
}

type output struct {
	N       int
	Where   string
	Scripts []Script
}

type pageData struct {
	Title    string
	CSP      string
	CSS      template.CSS
	Script   template.JS
	Inputs   []string
	Scanners []string
	Args     []string
	Made     string
	Warnings []string
	St       stats
	Probes   int
	Charts   []chart
	AllRows  bool
	Hidden   int
	Rows     []row
	Outputs  []output
}

// maxSummary is the most characters of a port's first output line that
// its table cell shows; the whole output is in its section.
const maxSummary = 80

// Render writes s as one self-contained HTML page: inline CSS, inline SVG
// charts, the port table and every probe output, with no external
// resource. Every string from the input (a scanned host's banner, service
// and host names, probe output) is escaped by html/template.
func Render(w io.Writer, s *Scan, opt Options) error {
	s.finish()
	st := scanStats(s)
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	d := &pageData{
		Title:    opt.Title,
		CSP:      csp,
		CSS:      template.CSS(css),
		Script:   template.JS(sortScript),
		Inputs:   opt.Inputs,
		Scanners: s.Scanners,
		Args:     s.Args,
		Made:     now.Format("2006-01-02 15:04:05 MST"),
		Warnings: s.Warnings,
		St:       st,
		Probes:   s.Probes,
		AllRows:  opt.AllRows,
	}
	if d.Title == "" {
		d.Title = "netstar report"
	}
	d.Charts = []chart{matrixChart(s, st), perHostChart(st), servicesChart(st), statesChart(st), rttChart(st)}
	d.Rows = make([]row, 0, st.Open)
	for _, h := range s.Hosts {
		key := hostKey(h)
		name := strings.Join(h.Names, ", ")
		for _, p := range h.Ports {
			if !opt.AllRows && !isOpen(p.State) && p.State != "open|filtered" {
				d.Hidden++
				continue
			}
			r := row{Key: key, IP: h.IP, Name: name, Port: p.Port, Proto: p.Proto, State: p.State,
				StateClass: "s-" + strings.TrimPrefix(stateClass(p.State), "st-"),
				Reason:     p.Reason, Service: p.Service}
			if p.HasRTT {
				r.RTT = strconv.FormatFloat(p.RTT*1e3, 'f', 3, 64)
			}
			scripts := p.Scripts
			if p.Banner != "" {
				scripts = append([]Script{{ID: "banner", Output: p.Banner}}, scripts...)
			}
			if len(scripts) > 0 {
				o := output{N: len(d.Outputs) + 1, Where: h.IP + " " + portName(p)}
				if h.Names != nil {
					o.Where += " (" + name + ")"
				}
				for _, sc := range scripts {
					sc.Output = printable(sc.Output)
					o.Scripts = append(o.Scripts, sc)
				}
				d.Outputs = append(d.Outputs, o)
				r.Out = o.N
				r.Summary = summary(o.Scripts)
			}
			d.Rows = append(d.Rows, r)
		}
	}
	for _, h := range s.Hosts {
		for _, n := range h.Extra {
			d.Hidden += n // counted, not listed: nmap gives no port numbers
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := page.Execute(bw, d); err != nil {
		return err
	}
	return bw.Flush()
}

// hostKey sorts addresses in numeric order as text: the 16-byte form in
// hex (IPv4 as IPv4-mapped, so it sorts with IPv4 first), or the text of
// what is not an address.
func hostKey(h *Host) string {
	if !h.Addr.IsValid() {
		return "z" + h.IP
	}
	b := h.Addr.As16()
	return hex.EncodeToString(b[:])
}

// summary is the first non-empty line of a port's outputs, shortened.
func summary(scripts []Script) string {
	for _, sc := range scripts {
		for _, line := range strings.Split(sc.Output, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				return clip(sc.ID+": "+line, maxSummary)
			}
		}
	}
	return scripts[0].ID
}
