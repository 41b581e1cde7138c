package kernel

import (
	"cmp"
	"html"
	"strconv"
	"strings"

	"github.com/netstar/netstar/builtins"
	"github.com/netstar/netstar/builtins/pyfmt"
	"github.com/netstar/netstar/modules/socket"
	"github.com/netstar/netstar/modules/socket/scan"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// mimeBundle is the data of an execute_result: Python's repr as
// text/plain, and for scan results and table() values an HTML table.
func mimeBundle(v starlark.Value) map[string]any {
	data := map[string]any{"text/plain": plainText(v)}
	if h, ok := htmlOf(v); ok {
		data["text/html"] = h
	}
	return data
}

// plainText is what the REPL echoes for v.
func plainText(v starlark.Value) string { return pyfmt.Repr(v) }

func htmlOf(v starlark.Value) (string, bool) {
	switch v := v.(type) {
	case *socket.ScanResult:
		return scanHTML(v.Scan()), true
	case *builtins.Table:
		header, rows, ok := parseDrawn(v.String())
		if !ok {
			return "", false
		}
		return htmlTable("", header, rows), true
	case *starlark.List:
		// socket.scan of several hosts: one report each.
		var sb strings.Builder
		for i := range v.Len() {
			r, ok := v.Index(i).(*socket.ScanResult)
			if !ok {
				return "", false
			}
			sb.WriteString(scanHTML(r.Scan()))
		}
		return sb.String(), v.Len() > 0
	case *starlark.Dict:
		return lookupHTML(v)
	}
	return "", false
}

// lookupHTML draws what socket.resolve and socket.reverse return (a
// dict of name or address → list of answers, or the exception for that
// key) as a two-column table; other dicts are left as text.
func lookupHTML(d *starlark.Dict) (string, bool) {
	if d.Len() == 0 {
		return "", false
	}
	var rows [][]string
	for _, kv := range d.Items() {
		k, ok := kv[0].(starlark.String)
		if !ok {
			return "", false
		}
		switch v := kv[1].(type) {
		case *starlark.List:
			var answers []string
			for i := range v.Len() {
				switch a := v.Index(i).(type) {
				case starlark.String:
					answers = append(answers, string(a))
				case starlark.Tuple, *starlark.Dict:
					answers = append(answers, pyfmt.Repr(a)) // records: MX, SRV, SOA...
				default:
					return "", false
				}
			}
			rows = append(rows, []string{string(k), strings.Join(answers, ", ")})
		case *interp.Exception:
			rows = append(rows, []string{string(k), v.PyRepr()})
		default:
			return "", false
		}
	}
	return htmlTable("", []string{"NAME", "ANSWER"}, rows), true
}

// scanHTML draws a scan result as the text report does: a title, the
// closed ports counted, a table of the others.
func scanHTML(r scan.Result) string {
	title := r.Host
	switch {
	case r.Host != r.IP.String():
		title += " (" + r.IP.String() + ")"
	case r.Name != "":
		title = r.Name + " (" + r.IP.String() + ")"
	}
	var sb strings.Builder
	sb.WriteString("<div><b>scan report for " + html.EscapeString(title) + "</b>")
	if !r.Up {
		sb.WriteString("<p>Host seems down (" + html.EscapeString(r.Reason) + ")</p></div>")
		return sb.String()
	}
	var rows [][]string
	closed := 0
	for _, p := range r.Ports {
		if p.State == scan.Closed {
			closed++
			continue
		}
		rows = append(rows, []string{strconv.Itoa(p.Port) + "/" + cmp.Or(r.Proto, "tcp"), p.State.String(), p.Service})
	}
	if closed > 0 {
		sb.WriteString("<p>Not shown: " + strconv.Itoa(closed) + " closed ports</p>")
	}
	if len(rows) > 0 {
		sb.WriteString(htmlTable("", []string{"PORT", "STATE", "SERVICE"}, rows))
	}
	sb.WriteString("<p>" + strconv.Itoa(len(r.Ports)) + " ports scanned in " + strconv.FormatFloat(r.Elapsed.Seconds(), 'f', 2, 64) + " s</p></div>")
	return sb.String()
}

func htmlTable(caption string, header []string, rows [][]string) string {
	var sb strings.Builder
	sb.WriteString("<table>")
	if caption != "" {
		sb.WriteString("<caption>" + html.EscapeString(caption) + "</caption>")
	}
	if len(header) > 0 {
		sb.WriteString("<thead><tr>")
		for _, h := range header {
			sb.WriteString("<th>" + html.EscapeString(h) + "</th>")
		}
		sb.WriteString("</tr></thead>")
	}
	sb.WriteString("<tbody>")
	for _, r := range rows {
		sb.WriteString("<tr>")
		for _, c := range r {
			sb.WriteString("<td>" + html.EscapeString(c) + "</td>")
		}
		sb.WriteString("</tr>")
	}
	sb.WriteString("</tbody></table>")
	return sb.String()
}

// parseDrawn reads back the cells of a table drawn by builtins/table
// (light box-drawing lines): builtins.Table keeps its rows unexported.
// A cell holding "│" makes the table unreadable: ok is then false.
func parseDrawn(drawn string) (header []string, rows [][]string, ok bool) {
	lines := strings.Split(drawn, "\n")
	var body [][]string
	sepAfter := -1
	width := -1
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "│"):
			parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(l, "│"), "│"), "│")
			if width >= 0 && len(parts) != width {
				return nil, nil, false
			}
			width = len(parts)
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			body = append(body, parts)
		case strings.HasPrefix(l, "├"):
			if sepAfter < 0 {
				sepAfter = len(body)
			}
		}
	}
	if sepAfter == 1 {
		return body[0], body[1:], true
	}
	return nil, body, len(body) > 0 || drawn == ""
}
