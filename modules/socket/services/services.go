// Package services answers getservbyname/getservbyport questions the way the
// C library does: from /etc/services when the machine has it, otherwise from
// an embedded copy of a trimmed services(5) table.
//
// The table is read lazily, on first use (never at init), and then cached for
// the life of the process. Lookups are safe for concurrent use.
//
// As with glibc, the first entry in file order wins: ByPort(21, "") is "ftp"
// (21/tcp comes before 21/udp "fsp"), and an empty proto matches any protocol.
package services

import (
	"bufio"
	_ "embed"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

//go:embed fallback.services
var fallback string

// Path is the services file read on first use. Tests may change it before
// the first lookup; later changes have no effect.
var Path = "/etc/services"

// Entry is one line of a services(5) file.
type Entry struct {
	Name    string   // official service name, e.g. "http"
	Port    int      // 0-65535
	Proto   string   // "tcp", "udp", ...
	Aliases []string // alternative names, e.g. "www"
}

// Table is a parsed services file, in file order.
type Table struct {
	Entries []Entry
}

var (
	once  sync.Once
	table *Table
)

func load() *Table {
	once.Do(func() {
		if f, err := os.Open(Path); err == nil {
			defer f.Close()
			if t, err := Parse(f); err == nil && len(t.Entries) > 0 {
				table = t
				return
			}
		}
		table = Fallback()
	})
	return table
}

// Fallback returns the embedded table used when /etc/services is missing.
func Fallback() *Table {
	t, _ := Parse(strings.NewReader(fallback)) // reading a string cannot fail
	return t
}

// Parse reads a services(5) file: "name port/proto [aliases...] [# comment]".
// Malformed lines are skipped, as the C library does.
func Parse(r io.Reader) (*Table, error) {
	t := &Table{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		portStr, proto, ok := strings.Cut(f[1], "/")
		if !ok || proto == "" {
			continue
		}
		port, err := strconv.Atoi(portStr)
		if err != nil || port < 0 || port > 65535 {
			continue
		}
		t.Entries = append(t.Entries, Entry{Name: f[0], Port: port, Proto: proto, Aliases: f[2:]})
	}
	return t, sc.Err()
}

// ByName returns the port of the service called name (or one of its aliases)
// for proto. An empty proto matches any protocol.
func (t *Table) ByName(name, proto string) (int, bool) {
	for _, e := range t.Entries {
		if proto != "" && e.Proto != proto {
			continue
		}
		if e.Name == name {
			return e.Port, true
		}
		for _, a := range e.Aliases {
			if a == name {
				return e.Port, true
			}
		}
	}
	return 0, false
}

// ByPort returns the official name of the service on port for proto.
// An empty proto matches any protocol.
func (t *Table) ByPort(port int, proto string) (string, bool) {
	for _, e := range t.Entries {
		if e.Port == port && (proto == "" || e.Proto == proto) {
			return e.Name, true
		}
	}
	return "", false
}

// ByName looks name up in the machine's services table (see package doc).
func ByName(name, proto string) (int, bool) { return load().ByName(name, proto) }

// ByPort looks port up in the machine's services table (see package doc).
func ByPort(port int, proto string) (string, bool) { return load().ByPort(port, proto) }
