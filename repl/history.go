package repl

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// history persists REPL inputs, one entry per line. A multi-line block
// is one entry: its newlines are stored as the two characters \n (and
// backslashes doubled), so it is recalled as one block.
type history struct {
	path string
}

const historyKeep = 1000

func openHistory(path string) *history {
	if path == "" {
		path = os.Getenv("NETSTAR_HISTORY")
	}
	if path == "" {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, ".netstar_history")
		}
	}
	if path == "-" {
		path = ""
	}
	return &history{path: path}
}

func (h *history) load() []string {
	if h.path == "" {
		return nil
	}
	f, err := os.Open(h.path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var entries []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			entries = append(entries, decodeEntry(line))
		}
	}
	if len(entries) > historyKeep {
		entries = entries[len(entries)-historyKeep:]
	}
	return entries
}

// add appends an entry to the history file. Failures are ignored: a
// read-only home must not break the REPL.
func (h *history) add(entry string) {
	if h.path == "" {
		return
	}
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	f.WriteString(encodeEntry(entry) + "\n")
}

func encodeEntry(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func decodeEntry(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				sb.WriteByte('\n')
				i++
				continue
			case '\\':
				sb.WriteByte('\\')
				i++
				continue
			}
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}
