package services

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// NmapServices lists where TopPorts looks for nmap's nmap-services file,
// in order: $NMAPDIR, then the usual install locations.
func NmapServices() []string {
	var paths []string
	if dir := os.Getenv("NMAPDIR"); dir != "" {
		paths = append(paths, filepath.Join(dir, "nmap-services"))
	}
	return append(paths, "/usr/share/nmap/nmap-services", "/usr/local/share/nmap/nmap-services",
		"/opt/homebrew/share/nmap/nmap-services")
}

// ErrNoFrequencies is returned by TopPorts when no nmap-services file is
// installed.
var ErrNoFrequencies = errors.New("nmap's port frequency table (nmap-services) is not installed: install nmap, or set NMAPDIR to the directory that holds it")

// Frequency is one port of nmap-services with how often nmap has found
// it open.
type Frequency struct {
	Port  int
	Ratio float64
}

// ParseFrequencies reads an nmap-services file ("name port/proto ratio
// # comment" lines) and returns the ports of proto, most often open first
// and, among equals, in port order, as nmap ranks them for --top-ports.
func ParseFrequencies(r io.Reader, proto string) ([]Frequency, error) {
	var out []Frequency
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		if len(f) < 3 {
			return nil, fmt.Errorf("nmap-services line %d: want name, port/proto and frequency", line)
		}
		num, pr, ok := strings.Cut(f[1], "/")
		port, err := strconv.Atoi(num)
		if !ok || err != nil || port < 0 || port > 65535 {
			return nil, fmt.Errorf("nmap-services line %d: bad port %q", line, f[1])
		}
		ratio, err := strconv.ParseFloat(f[2], 64)
		if err != nil || !(ratio >= 0 && ratio <= 1) { // NaN too
			return nil, fmt.Errorf("nmap-services line %d: bad frequency %q", line, f[2])
		}
		if pr == proto {
			out = append(out, Frequency{port, ratio})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Frequency) int {
		if c := cmp.Compare(b.Ratio, a.Ratio); c != 0 {
			return c
		}
		return cmp.Compare(a.Port, b.Port)
	})
	return out, nil
}

// TopPorts returns the n ports of proto ("tcp") that nmap's frequency
// table lists as most often open, in increasing port order: what nmap's
// --top-ports n scans. It reads the first nmap-services file of
// NmapServices, or returns ErrNoFrequencies.
func TopPorts(n int, proto string) ([]int, error) {
	return topPorts(n, proto, NmapServices())
}

func topPorts(n int, proto string, paths []string) ([]int, error) {
	if n < 1 {
		return nil, fmt.Errorf("want at least 1 port, not %d", n)
	}
	for _, path := range paths {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		freqs, err := ParseFrequencies(f, proto)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if n > len(freqs) {
			return nil, fmt.Errorf("%s lists only %d %s ports, not %d", path, len(freqs), proto, n)
		}
		ports := make([]int, n)
		for i, f := range freqs[:n] {
			ports[i] = f.Port
		}
		slices.Sort(ports)
		return ports, nil
	}
	return nil, ErrNoFrequencies
}

var (
	scanOnce  sync.Once
	scanTable *Table
)

// ScanTable is the table a port scanner names ports by, as nmap does:
// nmap's nmap-services when it is installed (the first file of
// NmapServices that reads), else the machine's services table. The two
// differ: port 113 is "ident" to nmap and "auth" in /etc/services, 8080
// "http-proxy" and "http-alt", and nmap names ports such as 24
// (priv-mail) that /etc/services leaves out. It is read once.
func ScanTable() *Table {
	scanOnce.Do(func() {
		for _, path := range NmapServices() {
			if t, err := readNmapServices(path); err == nil && len(t.Entries) > 0 {
				scanTable = t
				return
			}
		}
		scanTable = load()
	})
	return scanTable
}

// readNmapServices reads an nmap-services file as a Table, in file
// order: "name port/proto ratio # comment".
func readNmapServices(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseNmapServices(f)
}

// ParseNmapServices reads nmap's nmap-services format into a Table.
// Malformed lines are errors, as for ParseFrequencies.
func ParseNmapServices(r io.Reader) (*Table, error) {
	t := &Table{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		num, proto, ok := strings.Cut(f[1%len(f)], "/")
		port, err := strconv.Atoi(num)
		if len(f) < 2 || !ok || err != nil || port < 0 || port > 65535 {
			return nil, fmt.Errorf("nmap-services line %d: want name and port/proto", line)
		}
		t.Entries = append(t.Entries, Entry{Name: f[0], Port: port, Proto: proto})
	}
	return t, sc.Err()
}
