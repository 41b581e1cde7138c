package reportcmd

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// A chart is inline SVG described as shapes, drawn by the page's
// template: every label goes through html/template, so a service or host
// name from a scanned host is escaped like the table's cells.
type chart struct {
	ID, Title string
	Desc      string // one line saying what the chart shows (and what it left out)
	Empty     string // shown instead of the chart when there is nothing to draw
	W, H      int
	Rects     []svgRect
	Texts     []svgText
	Lines     []svgLine
}

type svgRect struct {
	X, Y, W, H float64
	Class      string // a fixed class name (never input)
	Tip        string // <title>: the exact value
}

type svgText struct {
	X, Y   float64
	Anchor string // start, middle, end
	Class  string
	Text   string
	Rotate bool // written upwards, turning about (X, Y)
}

type svgLine struct{ X1, Y1, X2, Y2 float64 }

// stateClass maps a port state to the CSS class that colours it.
func stateClass(state string) string {
	switch state {
	case "open":
		return "st-open"
	case "closed":
		return "st-closed"
	case "filtered":
		return "st-filtered"
	case "open|filtered":
		return "st-openfiltered"
	case "unfiltered", "closed|filtered":
		return "st-unfiltered"
	}
	return "st-other"
}

type count struct {
	Name string
	N    int
}

// sortCounts orders counts from the largest, then by name.
func sortCounts(m map[string]int) []count {
	cs := make([]count, 0, len(m))
	for k, v := range m {
		cs = append(cs, count{k, v})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].N != cs[j].N {
			return cs[i].N > cs[j].N
		}
		return cs[i].Name < cs[j].Name
	})
	return cs
}

// clip shortens a label for a chart axis (the exact text is in the
// bar's tooltip and the table).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// barChart draws horizontal bars, one per count, largest first; class
// gives each bar's CSS class.
func barChart(id, title, desc, empty string, cs []count, class func(string) string) chart {
	c := chart{ID: id, Title: title, Desc: desc, Empty: empty, W: 560}
	if len(cs) == 0 {
		return c
	}
	const labelW, rowH, top, right = 190.0, 22.0, 8.0, 70.0
	max := cs[0].N
	for _, x := range cs {
		if x.N > max {
			max = x.N
		}
	}
	c.H = int(top*2 + rowH*float64(len(cs)))
	span := float64(c.W) - labelW - right
	for i, x := range cs {
		y := top + rowH*float64(i)
		w := span * float64(x.N) / float64(max)
		if w < 1 {
			w = 1
		}
		c.Rects = append(c.Rects, svgRect{X: labelW, Y: y + 3, W: w, H: rowH - 6, Class: class(x.Name),
			Tip: fmt.Sprintf("%s: %d", x.Name, x.N)})
		c.Texts = append(c.Texts,
			svgText{X: labelW - 6, Y: y + rowH/2 + 4, Anchor: "end", Text: clip(x.Name, 28)},
			svgText{X: labelW + w + 5, Y: y + rowH/2 + 4, Anchor: "start", Class: "num", Text: strconv.Itoa(x.N)})
	}
	c.Lines = append(c.Lines, svgLine{labelW, top, labelW, float64(c.H) - top})
	return c
}

func fixed(class string) func(string) string { return func(string) string { return class } }

// Limits of the charts; the table lists everything.
const (
	maxBars       = 25 // hosts or services in a bar chart
	maxMatrixRows = 40 // hosts in the hosts × ports chart
	maxMatrixCols = 30 // ports in the hosts × ports chart
)

func isOpen(state string) bool { return state == "open" }

// stats are the numbers the summary and the charts show.
type stats struct {
	Hosts, Up, Open int
	states          map[string]int
	PerHost         []count // open ports per host, largest first
	services        map[string]int
	rtts            []float64
	rttFromHosts    bool
}

func scanStats(s *Scan) stats {
	st := stats{Hosts: len(s.Hosts), states: map[string]int{}, services: map[string]int{}}
	var hostRTTs []float64
	for _, h := range s.Hosts {
		if h.Status == "up" {
			st.Up++
		}
		n := 0
		for _, p := range h.Ports {
			st.states[p.State]++
			if isOpen(p.State) {
				n++
				name := "unknown"
				if f := strings.Fields(p.Service); len(f) > 0 {
					name = f[0]
				}
				st.services[name+"/"+p.Proto]++
			}
			if p.HasRTT && p.RTT > 0 && p.State != "filtered" && p.State != "open|filtered" {
				st.rtts = append(st.rtts, p.RTT)
			}
		}
		for state, k := range h.Extra {
			st.states[state] += k
		}
		if h.RTT > 0 {
			hostRTTs = append(hostRTTs, h.RTT)
		}
		if n > 0 {
			st.Open += n
			st.PerHost = append(st.PerHost, count{hostLabel(h), n})
		}
	}
	if len(st.rtts) == 0 && len(hostRTTs) > 0 {
		st.rtts, st.rttFromHosts = hostRTTs, true
	}
	sort.SliceStable(st.PerHost, func(i, j int) bool { return st.PerHost[i].N > st.PerHost[j].N })
	return st
}

func hostLabel(h *Host) string {
	if len(h.Names) > 0 {
		return h.IP + " (" + h.Names[0] + ")"
	}
	return h.IP
}

func leftOut(shown, total int, what string) string {
	if total > shown {
		return fmt.Sprintf(" The %d with the most are drawn, of %d %s.", shown, total, what)
	}
	return ""
}

func statesChart(st stats) chart {
	cs := sortCounts(st.states)
	return barChart("chart-states", "Port states", "Every probed port by state (ports nmap summarized as extraports included).",
		"No ports in the input.", cs, stateClass)
}

func perHostChart(st stats) chart {
	cs := st.PerHost
	total := len(cs)
	if len(cs) > maxBars {
		cs = cs[:maxBars]
	}
	return barChart("chart-hosts", "Open ports per host", "Hosts by their number of open ports."+leftOut(len(cs), total, "hosts with open ports"),
		"No host has an open port.", cs, fixed("st-open"))
}

func servicesChart(st stats) chart {
	cs := sortCounts(st.services)
	total := len(cs)
	if len(cs) > maxBars {
		cs = cs[:maxBars]
	}
	return barChart("chart-services", "Top services", "Open ports by service name (the port's usual service unless a probe named it)."+leftOut(len(cs), total, "services"),
		"No open ports.", cs, fixed("bar"))
}

// matrixChart draws hosts (rows) × ports (columns): a filled cell is an
// open port. The ports open on the most hosts and the hosts with the most
// open ports are drawn.
func matrixChart(s *Scan, st stats) chart {
	c := chart{ID: "chart-matrix", Title: "Hosts × open ports", Empty: "No open ports."}
	portHosts := map[string]int{}
	for _, h := range s.Hosts {
		for _, p := range h.Ports {
			if isOpen(p.State) {
				portHosts[portName(p)]++
			}
		}
	}
	if len(portHosts) == 0 {
		return c
	}
	cols := sortCounts(portHosts)
	nCols := len(cols)
	if len(cols) > maxMatrixCols {
		cols = cols[:maxMatrixCols]
	}
	sort.Slice(cols, func(i, j int) bool { return portLess(cols[i].Name, cols[j].Name) })
	colOf := map[string]int{}
	for i, x := range cols {
		colOf[x.Name] = i
	}
	rows := st.PerHost
	if len(rows) > maxMatrixRows {
		rows = rows[:maxMatrixRows]
	}
	hostOf := map[string]*Host{}
	for _, h := range s.Hosts {
		hostOf[hostLabel(h)] = h
	}
	c.Desc = "A filled cell is an open port." + leftOut(len(rows), len(st.PerHost), "hosts with open ports") + leftOut(len(cols), nCols, "open ports")
	const labelW, cell, top = 190.0, 16.0, 64.0
	c.W = int(labelW + cell*float64(len(cols)) + 20)
	if c.W < 300 {
		c.W = 300
	}
	c.H = int(top + cell*float64(len(rows)) + 10)
	for j, x := range cols {
		cx := labelW + cell*float64(j) + cell/2
		c.Texts = append(c.Texts, svgText{X: cx + 4, Y: top - 4, Anchor: "start", Text: x.Name, Rotate: true})
	}
	for i, r := range rows {
		y := top + cell*float64(i)
		c.Texts = append(c.Texts, svgText{X: labelW - 6, Y: y + cell - 4, Anchor: "end", Text: clip(r.Name, 28)})
		c.Rects = append(c.Rects, svgRect{X: labelW, Y: y, W: cell * float64(len(cols)), H: cell, Class: "grid"})
		for _, p := range hostOf[r.Name].Ports {
			if !isOpen(p.State) {
				continue
			}
			if j, ok := colOf[portName(p)]; ok {
				c.Rects = append(c.Rects, svgRect{X: labelW + cell*float64(j) + 1, Y: y + 1, W: cell - 2, H: cell - 2,
					Class: "st-open", Tip: r.Name + " " + portName(p) + " open"})
			}
		}
	}
	return c
}

func portName(p *Port) string { return strconv.Itoa(p.Port) + "/" + p.Proto }

func portLess(a, b string) bool {
	na, _ := strconv.Atoi(strings.SplitN(a, "/", 2)[0])
	nb, _ := strconv.Atoi(strings.SplitN(b, "/", 2)[0])
	if na != nb {
		return na < nb
	}
	return a < b
}

// rttBins are the histogram's bin edges, in seconds: round trips span
// microseconds (loopback) to seconds, so the bins grow by √10.
var rttBins = []float64{0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, math.Inf(1)}

func durLabel(s float64) string {
	switch {
	case s >= 1:
		return strconv.FormatFloat(s, 'g', 3, 64) + " s"
	case s >= 1e-3:
		return strconv.FormatFloat(s*1e3, 'g', 3, 64) + " ms"
	}
	return strconv.FormatFloat(s*1e6, 'g', 3, 64) + " µs"
}

// rttChart is a histogram of the round-trip times of the ports that
// answered (open and closed; a filtered port's time is the timeout).
func rttChart(st stats) chart {
	desc := "Round-trip times of the ports that answered (open or closed)."
	if st.rttFromHosts {
		desc = "Round-trip times of the hosts (nmap's smoothed srtt; the input has none per port)."
	}
	c := chart{ID: "chart-rtt", Title: "RTT distribution", Desc: desc, Empty: "No round-trip times in the input."}
	if len(st.rtts) == 0 {
		return c
	}
	counts := make([]int, len(rttBins)-1)
	for _, r := range st.rtts {
		i := sort.SearchFloat64s(rttBins, r) - 1 // r in (edge[i], edge[i+1]]
		if i < 0 {
			i = 0
		}
		if i >= len(counts) {
			i = len(counts) - 1
		}
		counts[i]++
	}
	lo, hi := 0, len(counts)-1
	for lo < hi && counts[lo] == 0 {
		lo++
	}
	for hi > lo && counts[hi] == 0 {
		hi--
	}
	max := 0
	for _, n := range counts[lo : hi+1] {
		if n > max {
			max = n
		}
	}
	const left, bottom, top, barW = 50.0, 40.0, 18.0, 56.0
	n := hi - lo + 1
	c.W = int(left + barW*float64(n) + 20)
	if c.W < 300 {
		c.W = 300
	}
	c.H = 220
	plotH := float64(c.H) - bottom - top
	for k := 0; k < n; k++ {
		i := lo + k
		x := left + barW*float64(k)
		h := plotH * float64(counts[i]) / float64(max)
		label := "≤ " + durLabel(rttBins[i+1])
		if math.IsInf(rttBins[i+1], 1) {
			label = "> " + durLabel(rttBins[i])
		}
		c.Rects = append(c.Rects, svgRect{X: x + 4, Y: top + plotH - h, W: barW - 8, H: h, Class: "bar",
			Tip: fmt.Sprintf("%s: %d", label, counts[i])})
		c.Texts = append(c.Texts,
			svgText{X: x + barW/2, Y: float64(c.H) - bottom + 16, Anchor: "middle", Text: label},
			svgText{X: x + barW/2, Y: top + plotH - h - 4, Anchor: "middle", Class: "num", Text: strconv.Itoa(counts[i])})
	}
	c.Lines = append(c.Lines, svgLine{left, top + plotH, left + barW*float64(n), top + plotH})
	c.Texts = append(c.Texts, svgText{X: 4, Y: top + plotH/2, Anchor: "start", Class: "num", Text: "ports"})
	return c
}
