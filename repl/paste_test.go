package repl

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// chunkReader returns its chunks one per Read, as a terminal delivers
// what arrived at once; a chunk longer than the caller's buffer is
// split.
type chunkReader struct {
	chunks []string
	closed bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.chunks) > 0 && c.chunks[0] == "" {
		c.chunks = c.chunks[1:]
	}
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	c.chunks[0] = c.chunks[0][n:]
	return n, nil
}

func (c *chunkReader) Close() error { c.closed = true; return nil }

// readAll reads p to EOF with a buffer of size n.
func readAll(t *testing.T, p *pasteReader, n int) string {
	t.Helper()
	var sb strings.Builder
	buf := make([]byte, n)
	for range 10000 {
		k, err := p.Read(buf)
		sb.Write(buf[:k])
		if errors.Is(err, io.EOF) {
			return sb.String()
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
	}
	t.Fatal("Read never reached EOF")
	return ""
}

// flags pops every newline flag: 'p' pasted with more to come, 't' not.
func flags(p *pasteReader) string {
	var sb strings.Builder
	for len(p.flags) > 0 {
		if p.next() {
			sb.WriteByte('p')
		} else {
			sb.WriteByte('t')
		}
	}
	return sb.String()
}

func TestPasteReader(t *testing.T) {
	tests := []struct {
		name   string
		reads  []string
		bufLen int
		out    string
		flags  string
	}{
		{"one typed line", []string{"x = 1\r"}, 64, "x = 1\r", "t"},
		{"lines typed one by one", []string{"a\r", "b\r", "\r"}, 64, "a\rb\r\r", "ttt"},
		{"several lines in one read", []string{"a\nb\n\nc\n"}, 64, "a\nb\n\nc\n", "pppt"},
		{"bracketed paste", []string{"\x1b[200~def f():\r    a = 1\r\r    return a\r\x1b[201~", "\r"}, 64,
			"def f():\r    a = 1\r\r    return a\r\r", "ppppt"},
		{"bracketed paste arriving in pieces", []string{"\x1b[200~def f():\r", "    a = 1\r", "\r", "    return a\r\x1b[201~", "\r"}, 64,
			"def f():\r    a = 1\r\r    return a\r\r", "ppppt"},
		{"start marker split across reads", []string{"\x1b[20", "0~a\rb\r\x1b[201~", "\r"}, 64, "a\rb\r\r", "ppt"},
		{"end marker split across reads", []string{"\x1b[200~a\r\x1b[2", "01~", "\r"}, 64, "a\r\r", "pt"},
		{"marker split at every byte", strings.Split("\x1b[200~a\r\x1b[201~", ""), 64, "a\r", "p"},
		{"arrow keys pass through", []string{"\x1b[A", "\x1b[B", "\r"}, 64, "\x1b[A\x1b[B\r", "t"},
		{"insert key looks like a marker's start", []string{"\x1b[2", "~x\r"}, 64, "\x1b[2~x\r", "t"},
		{"held-back bytes at EOF are kept", []string{"x\r\x1b[20"}, 64, "x\r\x1b[20", "p"},
		{"CRLF counts two lines", []string{"a\r\nb\r\n"}, 64, "a\r\nb\r\n", "pppt"},
		{"text after the end marker", []string{"\x1b[200~a\r\x1b[201~b\r"}, 64, "a\rb\r", "pt"},
		// A held-back marker start followed by a full buffer of other
		// bytes is longer than the buffer: nothing may be lost.
		{"held-back bytes and a full read", []string{"ab\x1b[20", "xyzw", "\r"}, 4, "ab\x1b[20xyzw\r", "t"},
		{"small buffer", []string{"\x1b[200~abcdefgh\r\x1b[201~", "\r"}, 3, "abcdefgh\r\r", "pt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &chunkReader{chunks: append([]string(nil), tt.reads...)}
			p := newPasteReader(src)
			if got := readAll(t, p, tt.bufLen); got != tt.out {
				t.Errorf("output %q, want %q", got, tt.out)
			}
			if got := flags(p); got != tt.flags {
				t.Errorf("flags %q, want %q", got, tt.flags)
			}
			if p.next() {
				t.Error("next() after the last flag = true")
			}
			p.Close()
			if !src.closed {
				t.Error("Close did not close the terminal input")
			}
		})
	}
}

// TestPasteBlocks runs what a terminal sends through the paste reader
// and the block accumulator, as the loop does (readline ends a line at
// \r or \n): a pasted function with blank lines runs whole.
func TestPasteBlocks(t *testing.T) {
	tests := []struct {
		name  string
		reads []string
		want  []string // inputs run, in order
	}{
		{"bracketed paste with a blank line inside a def",
			[]string{"\x1b[200~def f():\r    a = 20\r\r    return a + 1\r\rprint('got', f() * 2)\r\x1b[201~", "\r"},
			[]string{"def f():\n    a = 20\n\n    return a + 1", "print('got', f() * 2)"}},
		{"several lines in one read, no markers",
			[]string{"def g():\n    b = 1\n\n    return b + 2\nprint('g', g())\n"},
			// A column-0 line right after the body (no blank line) joins
			// the input: it parses as one file.
			[]string{"def g():\n    b = 1\n\n    return b + 2\nprint('g', g())"}},
		{"nested blocks with blank lines",
			[]string{"\x1b[200~def g():\r    for i in range(2):\r\r        if i:\r\r            print(i)\r\r    return 0\r\rg()\r\x1b[201~", "\r"},
			[]string{"def g():\n    for i in range(2):\n\n        if i:\n\n            print(i)\n\n    return 0", "g()"}},
		{"lines of spaces inside a pasted def",
			[]string{"\x1b[200~def f():\r    a = 1\r    \r    return a\r    \rf()\r\x1b[201~", "\r"},
			[]string{"def f():\n    a = 1\n    \n    return a", "f()"}},
		{"two defs pasted together",
			[]string{"\x1b[200~def a():\r    return 1\r\rdef b():\r\r    return 2\r\r\x1b[201~", "\r"},
			[]string{"def a():\n    return 1", "def b():\n\n    return 2"}},
		{"CRLF paste",
			[]string{"def f():\r\n    return 1\r\n\r\nf()\r\n"},
			[]string{"def f():\n\n    return 1", "f()"}},
		{"typed, the blank line ends the def",
			[]string{"def g():\r", "    b = 1\r", "\r", "    return b\r"},
			[]string{"def g():\n    b = 1", "    return b"}},
		{"typed, a line of spaces does not",
			[]string{"def g():\r", "    b = 1\r", "    \r", "    return b\r", "\r"},
			[]string{"def g():\n    b = 1\n    \n    return b"}},
		{"pasted without the final Enter is still open",
			[]string{"\x1b[200~def f():\r    return 1\r\x1b[201~"},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPasteReader(&chunkReader{chunks: append([]string(nil), tt.reads...)})
			text := readAll(t, p, 4096)
			// readline returns a line at each \r or \n.
			lines := strings.FieldsFunc(strings.NewReplacer("\r", "\r\x00", "\n", "\n\x00").Replace(text), func(r rune) bool { return r == 0 })
			var b block
			var got []string
			for _, l := range lines {
				for _, in := range b.Feed(strings.TrimRight(l, "\r\n"), p.next()) {
					checkInput(t, in)
					got = append(got, in.entry)
				}
			}
			if !equal(got, tt.want) {
				t.Errorf("inputs\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
