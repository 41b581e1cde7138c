package reportcmd

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/netstar/netstar/cmd/internal/scancmd"
)

// xssBanner is what a hostile service sends: markup that would run if
// the report pasted it into the page.
const xssBanner = "SSH-2.0-OpenSSH_9.2 <script>document.documentElement.setAttribute('data-pwned','1');window.pwned=1</script>" +
	"<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\">\r\n"

// listeners opens, on 127.0.0.1, a port that sends banner, a silent open
// port and a closed port (a listener closed at once), and returns the
// three port numbers.
func listeners(t *testing.T, banner string) (talk, silent, closed int) {
	t.Helper()
	open := func(send string) int {
		var wg sync.WaitGroup
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				if send != "" {
					c.Write([]byte(send))
				}
				c.Close()
			}
		}()
		t.Cleanup(func() { ln.Close(); wg.Wait() })
		return ln.Addr().(*net.TCPAddr).Port
	}
	talk, silent = open(banner), open("")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return talk, silent, closed
}

// netstarScan runs netstar scan on the listeners and returns the paths
// of its JSON Lines and XML outputs.
func netstarScan(t *testing.T, dir string, ports ...int) (jsonl, xmlPath string) {
	t.Helper()
	jsonl, xmlPath = filepath.Join(dir, "scan.jsonl"), filepath.Join(dir, "scan.xml")
	var ps []string
	for _, p := range ports {
		ps = append(ps, strconv.Itoa(p))
	}
	var stdout, stderr bytes.Buffer
	args := []string{"127.0.0.1", "-Pn", "-p", strings.Join(ps, ","), "--banner", "--timeout", "2", "-oJ", jsonl, "-oX", xmlPath}
	if code := scancmd.Main(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("netstar scan %q: exit %d\n%s", args, code, stderr.String())
	}
	return jsonl, xmlPath
}

// states is "PORT/PROTO STATE" of every port read, sorted.
func states(s *Scan) []string {
	var out []string
	for _, h := range s.Hosts {
		for _, p := range h.Ports {
			out = append(out, h.IP+" "+portName(p)+" "+p.State)
		}
	}
	sort.Strings(out)
	return out
}

func readPath(t *testing.T, path string) *Scan {
	t.Helper()
	s := newScan()
	if err := readFile(s, path); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	s.finish()
	return s
}

// TestReadScanOutputs reads what netstar scan and nmap write for the same
// listeners: every reader finds the same ports in the same states, and
// netstar's banner comes back byte for byte from JSON Lines.
func TestReadScanOutputs(t *testing.T) {
	talk, silent, closed := listeners(t, xssBanner+"\x80\xfe")
	dir := t.TempDir()
	jsonl, xmlPath := netstarScan(t, dir, talk, silent, closed)
	want := []string{
		fmt.Sprintf("127.0.0.1 %d/tcp open", talk),
		fmt.Sprintf("127.0.0.1 %d/tcp open", silent),
		fmt.Sprintf("127.0.0.1 %d/tcp closed", closed),
	}
	sort.Strings(want)
	type source struct {
		name, path string
		banner     string // the talking port's banner as read
		scanner    string
	}
	sources := []source{
		{"netstar jsonl", jsonl, xssBanner + "\x80\xfe", "netstar"},
		// XML carries the banner as nmap's banner script writes it.
		{"netstar xml", xmlPath, "", "netstar"},
	}
	if _, err := exec.LookPath("nmap"); err != nil {
		t.Log("nmap not installed: reading nmap's own XML is not tested")
	} else {
		out := filepath.Join(dir, "nmap.xml")
		cmd := exec.Command("nmap", "-sT", "-Pn", "-n", "-p", fmt.Sprintf("%d,%d,%d", talk, silent, closed), "127.0.0.1", "-oX", "-")
		xmlOut, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		if err := os.WriteFile(out, xmlOut, 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, source{"nmap xml", out, "", "nmap 7."})
	}
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			s := readPath(t, src.path)
			if got := states(s); !reflect.DeepEqual(got, want) {
				t.Errorf("states:\n got %q\nwant %q", got, want)
			}
			if len(s.Scanners) != 1 || !strings.HasPrefix(s.Scanners[0], src.scanner) {
				t.Errorf("scanners %q, want %s", s.Scanners, src.scanner)
			}
			var p *Port
			for _, q := range s.Hosts[0].Ports {
				if q.Port == talk {
					p = q
				}
			}
			switch {
			case src.banner != "" && p.Banner != src.banner:
				t.Errorf("banner %q, want %q", p.Banner, src.banner)
			case src.name == "netstar xml" && (len(p.Scripts) != 1 || p.Scripts[0].ID != "banner" || !strings.Contains(p.Scripts[0].Output, "<script>")):
				t.Errorf("scripts %+v, want the banner script with the banner's text", p.Scripts)
			}
			if len(s.Warnings) != 0 {
				t.Errorf("warnings %q", s.Warnings)
			}
		})
	}
}
