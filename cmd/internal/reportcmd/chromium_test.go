package reportcmd

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium runs Debian's headless Chromium with args and the page at
// url, and returns its stdout. The browser gets a profile of its own,
// no background networking and, where unshare(1) can make one, a network
// namespace with only loopback: the page must need nothing else.
func chromium(t *testing.T, url string, args ...string) []byte {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("chromium not installed (Debian: apt-get install chromium): the page is not rendered in a browser")
	}
	profile := t.TempDir()
	argv := append([]string{bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-default-apps", "--user-data-dir=" + profile, "--virtual-time-budget=5000"}, args...)
	argv = append(argv, url)
	if unshare, err := exec.LookPath("unshare"); err == nil && exec.Command(unshare, "-n", "true").Run() == nil {
		argv = append([]string{unshare, "-n"}, argv...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// renderFile writes the report of the JSON Lines in to a file with netstar
// report's Main and returns its path.
func renderFile(t *testing.T, in string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	src, out := filepath.Join(dir, "scan.jsonl"), filepath.Join(dir, "report.html")
	if err := os.WriteFile(src, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := append([]string{src, "-o", out}, extra...)
	if code := Main(args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("netstar report %q: exit %d\n%s", args, code, stderr.String())
	}
	return out
}

func jsonLine(ip string, port int, state, service, banner string, rtt float64) string {
	b := ""
	if banner != "" {
		b = fmt.Sprintf(`,"banner":%q`, banner)
	}
	return fmt.Sprintf(`{"ip":%q,"port":%d,"proto":"tcp","state":%q,"reason":"syn-ack","service":%q,"rtt":%g%s,"seed":1,"time":"t"}`+"\n",
		ip, port, state, service, rtt, b)
}

// hostileScan is a scan whose hosts are hostile: the banner, the service
// name and the probe output carry markup.
func hostileScan() string {
	return jsonLine("10.0.0.5", 22, "open", "ssh", xssBanner, 0.0004) +
		jsonLine("10.0.0.5", 80, "closed", "http", "", 0.0002) +
		jsonLine("10.0.0.7", 8080, "open", `http<svg onload="document.documentElement.setAttribute('data-pwned','3')">`, "", 0.02) +
		jsonLine("10.0.0.7", 443, "filtered", "https", "", 1) +
		jsonLine("10.0.0.10", 25, "open", "smtp", "220 mail ESMTP\r\n", 0.003) +
		`{"ip":"10.0.0.10","port":21,"proto":"tcp","state":"open","reason":"syn-ack","rtt":0.001,"scripts":{"ftp-anon":{"status":"success","output":"Anonymous FTP login allowed </pre><script>window.pwned=1</script>"}},"seed":1,"time":"t"}` + "\n"
}

// hostileTag is a tag carrying what the hostile banners would add: an
// event handler, or the attribute their scripts set.
var hostileTag = regexp.MustCompile(`<[a-zA-Z][^<>]*\s(on[a-z]+|data-pwned)=[^<>]*>`)

var rowRE = regexp.MustCompile(`<tr><td data-k="[0-9a-f]+">([0-9.]+)</td><td>[^<]*</td><td class="n">([0-9]+)</td>`)

// TestChromiumDOM renders the report in Chromium and checks the DOM it
// built: one table row per open port, the five charts as SVG, the sort
// script ran (so the checks below are made on a page whose scripts run),
// and the hostile markup is text: no element was made from it and no
// sentinel it would set is there.
func TestChromiumDOM(t *testing.T) {
	page := renderFile(t, hostileScan())
	dom := string(chromium(t, "file://"+page, "--dump-dom"))
	if !strings.Contains(dom, `<table id="ports" data-sortable="">`) {
		t.Fatalf("the sort script did not run (no data-sortable on the table):\n%s", dom)
	}
	rows := rowRE.FindAllStringSubmatch(dom, -1)
	var got []string
	for _, r := range rows {
		got = append(got, r[1]+":"+r[2])
	}
	want := []string{"10.0.0.5:22", "10.0.0.7:8080", "10.0.0.10:21", "10.0.0.10:25"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("table rows %q, want %q", got, want)
	}
	for _, id := range []string{"chart-matrix", "chart-hosts", "chart-services", "chart-states", "chart-rtt"} {
		re := regexp.MustCompile(`<figure id="` + id + `">\s*<figcaption>[^<]+</figcaption>\s*(<p>[^<]*</p>\s*)?<svg [^>]*>`)
		if !re.MatchString(dom) {
			t.Errorf("chart %s: no <svg> in its figure", id)
		}
	}
	if n := strings.Count(dom, "<rect "); n < 10 {
		t.Errorf("%d SVG rects, want the bars and cells of five charts", n)
	}
	// The serializer writes text with < and > as &lt; and &gt;: a real
	// tag in its output is an element.
	if m := hostileTag.FindAllString(dom, -1); m != nil {
		t.Errorf("the DOM holds %q: markup from a banner became an element or ran", m)
	}
	if strings.Contains(dom, "window.pwned=1</script>") || strings.Contains(dom, "<img") {
		t.Errorf("the DOM holds a script or an image from a banner")
	}
	if n := strings.Count(dom, "<script"); n != 1 {
		t.Errorf("%d <script> elements, want the sort script only", n)
	}
	// The markup is there as text, escaped by the browser's serializer.
	for _, text := range []string{
		"&lt;script&gt;document.documentElement.setAttribute('data-pwned','1');window.pwned=1&lt;/script&gt;&lt;img src=x onerror=\"",
		"Anonymous FTP login allowed &lt;/pre&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;",
		"http&lt;svg onload=\"",
	} {
		if !strings.Contains(dom, text) {
			t.Errorf("the DOM does not show %q as text", text)
		}
	}
}

// TestChromiumSort checks the sort script in Chromium: #sort=COLUMN sorts
// the table on load, as a click on that heading does.
func TestChromiumSort(t *testing.T) {
	page := renderFile(t, hostileScan())
	tests := []struct {
		hash string
		want string
	}{
		{"#sort=-port", "10.0.0.7:8080 10.0.0.10:25 10.0.0.5:22 10.0.0.10:21"},
		{"#sort=port", "10.0.0.10:21 10.0.0.5:22 10.0.0.10:25 10.0.0.7:8080"},
		// Hosts sort as addresses, not as text (10.0.0.10 after 10.0.0.7).
		{"#sort=-host", "10.0.0.10:21 10.0.0.10:25 10.0.0.7:8080 10.0.0.5:22"},
		// RTT numerically: 0.4 ms, 1 ms, 3 ms, 20 ms.
		{"#sort=rtt", "10.0.0.5:22 10.0.0.10:21 10.0.0.10:25 10.0.0.7:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.hash, func(t *testing.T) {
			dom := string(chromium(t, "file://"+page+tt.hash, "--dump-dom"))
			var got []string
			for _, r := range rowRE.FindAllStringSubmatch(dom, -1) {
				got = append(got, r[1]+":"+r[2])
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("rows %s, want %s", s, tt.want)
			}
		})
	}
}

// TestChromiumScreenshot checks that the page draws something: the
// screenshot is not one colour.
func TestChromiumScreenshot(t *testing.T) {
	page := renderFile(t, hostileScan())
	shot := filepath.Join(t.TempDir(), "report.png")
	chromium(t, "file://"+page, "--window-size=1280,1400", "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding the screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 100 || b.Dy() < 100 {
		t.Fatalf("screenshot is %v", b)
	}
	colours := map[[4]uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}]++
		}
	}
	if len(colours) < 10 {
		t.Errorf("the screenshot has %d colours: the page is blank", len(colours))
	}
	// The header's dark blue, the open ports' green: the CSS applied.
	for name, want := range map[string][3]uint32{"header #1d3557": {0x1d, 0x35, 0x57}, "open #2a9d8f": {0x2a, 0x9d, 0x8f}} {
		found := false
		for c := range colours {
			if c[0]>>8 == want[0] && c[1]>>8 == want[1] && c[2]>>8 == want[2] {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no pixel of the %s colour: the inline CSS or the charts are not drawn", name)
		}
	}
}
