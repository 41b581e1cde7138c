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
//
// An entry equal to the one before it is not stored again (the line
// editor does not recall it twice either). The history is a convenience:
// a file that cannot be read or written is ignored, and so are lines too
// long to be an entry.
type history struct {
	path string
	last string // the newest entry, loaded or added
}

const (
	historyKeep = 1000
	// maxEntry bounds one stored line; a longer one (a file that is not
	// a history) is skipped when loading.
	maxEntry = 1 << 20
)

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

// load returns the newest historyKeep entries of the file, oldest
// first.
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
	rd := bufio.NewReaderSize(f, 64*1024)
	for {
		line, err := readLine(rd)
		if line != "" {
			if e := decodeEntry(line); len(entries) == 0 || e != entries[len(entries)-1] {
				entries = append(entries, e)
			}
		}
		if err != nil {
			break
		}
	}
	if len(entries) > historyKeep {
		entries = entries[len(entries)-historyKeep:]
	}
	if len(entries) > 0 {
		h.last = entries[len(entries)-1]
	}
	return entries
}

// readLine reads one line without its line ending. A line longer than
// maxEntry is read to its end and returned as "": one bad line must not
// hide the entries after it.
func readLine(rd *bufio.Reader) (string, error) {
	var line []byte
	for {
		chunk, err := rd.ReadSlice('\n')
		if len(line) <= maxEntry+2 { // enough to tell a line too long
			line = append(line, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		s := strings.TrimRight(string(line), "\r\n")
		if len(s) > maxEntry {
			return "", err
		}
		return s, err
	}
}

// add appends an entry to the history file. Failures are ignored: a
// read-only home must not break the REPL.
func (h *history) add(entry string) {
	if h.path == "" || entry == h.last {
		return
	}
	h.last = entry
	line := encodeEntry(entry)
	if len(line) > maxEntry {
		return // load would skip it
	}
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	f.WriteString(line + "\n")
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
