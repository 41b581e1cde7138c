package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestREPLLongLineOutputIsLinear types and pastes a 4,000-character
// line into the REPL on a real pty and counts the bytes the REPL writes
// back while it takes the line in. chzyer/readline redraws the whole
// line for every character (8.4 MB for this line); the REPL must write
// an amount linear in the line's length.
func TestREPLLongLineOutputIsLinear(t *testing.T) {
	const n = 4000
	// x = "aaaa...": n characters in all.
	line := `x = "` + strings.Repeat("a", n-6) + `"`
	tests := []struct {
		name   string
		writes []string
	}{
		{"pasted with bracketed-paste markers", []string{"\x1b[200~" + line + "\x1b[201~"}},
		{"pasted without markers", []string{line}},
		{"typed one character per write", strings.Split(line, "")},
		{"typed in small bursts", chunks(line, 7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tm := startREPL(t, history(t))
			tm.mu.Lock()
			start := tm.out.Len()
			tm.mu.Unlock()
			for _, w := range tc.writes {
				tm.send(w)
			}
			// Enter, then a line whose answer shows the long line
			// reached the interpreter whole; the count runs up to that
			// answer.
			tm.send("\r")
			tm.send("print(len(x))\r")
			tm.expect(fmt.Sprintf(`[\r\n]%d\r?\n`, n-6))
			tm.mu.Lock()
			written := tm.out.Len() - start
			tm.mu.Unlock()
			// The line itself once, and a bounded amount of cursor
			// movement: far below n*n/2.
			if limit := 3*n + 4096; written > limit {
				t.Errorf("the REPL wrote %d bytes for a %d-character line, want at most %d (linear in the length)", written, n, limit)
			}
		})
	}
}

// chunks splits s into pieces of size k (the last may be shorter).
func chunks(s string, k int) []string {
	var out []string
	for len(s) > k {
		out = append(out, s[:k])
		s = s[k:]
	}
	return append(out, s)
}
