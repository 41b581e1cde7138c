package repl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEntryEncoding(t *testing.T) {
	tests := []struct {
		entry, line string
	}{
		{"x = 1", "x = 1"},
		{"def f():\n    return 1", `def f():\n    return 1`},
		{"def f():\n    a = 1\n\n    return a", `def f():\n    a = 1\n\n    return a`},
		{`print("a\nb")`, `print("a\\nb")`}, // a backslash-n typed in a string stays two characters
		{`x = 1 + \` + "\n2", `x = 1 + \\\n2`},
		{`\`, `\\`},
		{`\\n`, `\\\\n`},
		{"tab\there", "tab\there"},
		{"ñandú = 'ü'", "ñandú = 'ü'"},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			line := encodeEntry(tt.entry)
			if line != tt.line {
				t.Errorf("encodeEntry(%q) = %q, want %q", tt.entry, line, tt.line)
			}
			if strings.ContainsAny(line, "\n\r") {
				t.Errorf("encoded entry %q holds a line break", line)
			}
			if got := decodeEntry(line); got != tt.entry {
				t.Errorf("decodeEntry(%q) = %q, want %q", line, got, tt.entry)
			}
		})
	}
}

// TestDecodeEntryOddLines decodes lines no encoder wrote (an edited
// file): unknown escapes and a lone trailing backslash stay as they are.
func TestDecodeEntryOddLines(t *testing.T) {
	tests := []struct{ line, want string }{
		{`a\tb`, `a\tb`},
		{`end\`, `end\`},
		{`\x00`, `\x00`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := decodeEntry(tt.line); got != tt.want {
			t.Errorf("decodeEntry(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestHistoryPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	h := openHistory(path)
	if got := h.load(); got != nil {
		t.Fatalf("load of a missing file = %q", got)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("load created the file: %v", err)
	}
	entries := []string{
		"x = 41",
		"def double(a):\n    return a * 2",
		"x = 41", // not consecutive: kept
		"double(x)",
		"double(x)", // consecutive duplicate: dropped
		`print("a\nb")`,
	}
	for _, e := range entries {
		h.add(e)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantFile := "x = 41\n" + `def double(a):\n    return a * 2` + "\nx = 41\ndouble(x)\n" + `print("a\\nb")` + "\n"
	if string(data) != wantFile {
		t.Errorf("file\n%q\nwant\n%q", data, wantFile)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}

	// A new session reads the same entries back, a block as one entry.
	h2 := openHistory(path)
	want := []string{"x = 41", "def double(a):\n    return a * 2", "x = 41", "double(x)", `print("a\nb")`}
	if got := h2.load(); !equal(got, want) {
		t.Errorf("load\n%q\nwant\n%q", got, want)
	}
	// Its first entry is not stored again if it repeats the last one.
	h2.add(`print("a\nb")`)
	h2.add("y = 1")
	data, _ = os.ReadFile(path)
	if string(data) != wantFile+"y = 1\n" {
		t.Errorf("after a second session the file is\n%q", data)
	}
}

func TestHistoryLoadKeepsNewest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	var sb strings.Builder
	for i := range historyKeep + 500 {
		fmt.Fprintf(&sb, "x = %d\n", i)
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	got := openHistory(path).load()
	if len(got) != historyKeep {
		t.Fatalf("loaded %d entries, want %d", len(got), historyKeep)
	}
	if got[0] != "x = 500" || got[len(got)-1] != fmt.Sprintf("x = %d", historyKeep+499) {
		t.Errorf("loaded %q ... %q, want the newest", got[0], got[len(got)-1])
	}
}

// TestHistoryBadFiles: the history is a convenience, so a file that
// cannot be used is ignored (no error, no panic) and good entries are
// kept.
func TestHistoryBadFiles(t *testing.T) {
	long := strings.Repeat("a", maxEntry+10)
	tests := []struct {
		name  string
		setup func(t *testing.T, path string) // prepares path
		want  []string
	}{
		{"missing", func(t *testing.T, path string) {}, nil},
		{"empty", func(t *testing.T, path string) { write(t, path, "") }, nil},
		{"a directory", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"blank lines are skipped", func(t *testing.T, path string) { write(t, path, "\n\na\n\n\nb\n") }, []string{"a", "b"}},
		{"CRLF line ends", func(t *testing.T, path string) { write(t, path, "a\r\nb\\nc\r\n") }, []string{"a", "b\nc"}},
		{"no final newline", func(t *testing.T, path string) { write(t, path, "a\nb") }, []string{"a", "b"}},
		{"binary garbage is read as text", func(t *testing.T, path string) { write(t, path, "\x00\xff\xfe\n\x1b[A\nok\n") }, []string{"\x00\xff\xfe", "\x1b[A", "ok"}},
		// One huge line must not hide the entries after it (they are
		// the newest).
		{"a line too long", func(t *testing.T, path string) { write(t, path, "before\n"+long+"\nafter\n") }, []string{"before", "after"}},
		{"a line too long at the end", func(t *testing.T, path string) { write(t, path, "before\n"+long) }, []string{"before"}},
		{"one byte too long", func(t *testing.T, path string) { write(t, path, long[:maxEntry+1]+"\r\nafter\n") }, []string{"after"}},
		{"longest line kept", func(t *testing.T, path string) { write(t, path, long[:maxEntry]+"\nafter\n") }, []string{long[:maxEntry], "after"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history")
			tt.setup(t, path)
			h := openHistory(path)
			if got := h.load(); !equal(got, tt.want) {
				t.Errorf("load = %.80q, want %.80q", got, tt.want)
			}
			h.add("new entry") // must not panic, whatever path is
		})
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestHistoryUnwritable: a history in a directory that does not exist
// is silently not saved.
func TestHistoryUnwritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "history")
	h := openHistory(path)
	h.add("x = 1")
	if got := h.load(); got != nil {
		t.Errorf("load = %q", got)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("add created directories: %v", err)
	}
}

func TestHistoryTooLongEntryNotStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	h := openHistory(path)
	h.add("a")
	h.add(strings.Repeat("x", maxEntry+1))
	h.add("b")
	if got := openHistory(path).load(); !equal(got, []string{"a", "b"}) {
		t.Errorf("load = %.80q", got)
	}
}

func TestOpenHistoryPath(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name, path, env string
		want            string
	}{
		{"configured path", "/tmp/h", "/tmp/env", "/tmp/h"},
		{"NETSTAR_HISTORY", "", "/tmp/env", "/tmp/env"},
		{"home by default", "", "", filepath.Join(home, ".netstar_history")},
		{"- disables", "-", "/tmp/env", ""},
		{"NETSTAR_HISTORY=- disables", "", "-", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv("NETSTAR_HISTORY", tt.env)
			h := openHistory(tt.path)
			if h.path != tt.want {
				t.Errorf("path %q, want %q", h.path, tt.want)
			}
			if tt.want == "" {
				h.add("x") // a disabled history writes nothing
				if h.load() != nil {
					t.Error("a disabled history loads entries")
				}
				if _, err := os.Stat(filepath.Join(home, ".netstar_history")); err == nil {
					t.Error("a disabled history wrote ~/.netstar_history")
				}
			}
		})
	}
}
