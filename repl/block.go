package repl

import (
	"regexp"
	"strings"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/syntax"
)

// block collects the lines of one REPL input until they form a complete
// input, as Python's REPL does. It knows nothing about the terminal: the
// loop feeds it each line the line editor returns and runs what comes
// out, so the rules can be tested without one.
//
// The rules, like Python 3.11's REPL: an unfinished construct (an open
// bracket, a triple-quoted string, a trailing backslash, a block header)
// asks for more; a block (def, if, for, while) ends with an empty line;
// a line holding only spaces or tabs does not end it; anything else runs
// at once. A pasted line (one with more text pasted after it) never ends
// a block, so pasted functions keep the blank lines inside them; in
// pasted text a line at column 0 after a blank line starts a new input.
type block struct {
	lines  []string
	pasted bool // some line in lines came with more text after it
}

// input is one complete input for the REPL to run.
type input struct {
	// entry is the input as typed, for the history: the lines joined by
	// newlines, trailing blank lines removed.
	entry string
	// src is the source to parse and run.
	src string
	// pasting is set when more pasted or typed-ahead text is pending, so
	// nothing may ask the user a question (it would read that text).
	pasting bool
}

// Pending reports whether the block holds the start of an unfinished
// input: the prompt is then "... ".
func (b *block) Pending() bool { return len(b.lines) > 0 }

// Reset drops the unfinished input (Ctrl-C).
func (b *block) Reset() { b.lines, b.pasted = nil, false }

// Feed adds what the line editor returned: one line, or several joined
// by newlines when a multi-line history entry is recalled. more reports
// that it was pasted with more text after it. Feed returns the inputs it
// completed, in order; inputs made only of blank lines are dropped.
func (b *block) Feed(line string, more bool) []input {
	var done []input
	add := func(src string, pasting bool) {
		entry := strings.TrimRight(strings.Join(b.lines, "\n"), "\n ")
		b.Reset()
		if strings.TrimSpace(entry) != "" {
			done = append(done, input{entry: entry, src: src, pasting: pasting})
		}
	}
	parts := strings.Split(line, "\n")
	for i, part := range parts {
		// A line at column 0 after a blank line that did not end the
		// block (pasted or typed-ahead text, a line of spaces) starts
		// a new input: run what came before, as Python 3.13 does with
		// pasted text (3.11 reports a syntax error after typed spaces).
		if startsNewInput(b.lines, part) {
			if src, ok := complete(b.lines, false); ok {
				// In pasted text the pending line came with the block:
				// asking [Y/n] would read the text after it as the
				// answer.
				add(src, b.pasted)
			}
		}
		b.lines = append(b.lines, part)
		pasted := more || i < len(parts)-1
		b.pasted = b.pasted || pasted
		// Only an empty line ends a block; one of spaces is ignored, as
		// in Python.
		open := pasted || part != ""
		if src, ok := complete(b.lines, open); ok {
			add(src, more)
		}
	}
	return done
}

// startsNewInput reports whether line, following the lines in buf, begins
// a new statement after a finished block: buf ends with a blank line and
// line is not indented.
func startsNewInput(buf []string, line string) bool {
	if len(buf) < 2 || strings.TrimSpace(buf[len(buf)-1]) != "" || strings.TrimSpace(line) == "" {
		return false
	}
	return line[0] != ' ' && line[0] != '\t'
}

// complete decides whether the lines typed so far form a complete input
// and returns its source. open is set when a finished block may still
// continue: the last line was pasted with more text after it, or it is
// not empty.
func complete(buf []string, open bool) (string, bool) {
	src := strings.Join(buf, "\n") + "\n"
	if strings.TrimSpace(src) == "" {
		return "", true
	}
	f, err := interp.Parse("<stdin>", []byte(src))
	if err != nil {
		if interp.IncompleteInput(err, []byte(src)) {
			return "", false
		}
		// A block with Python that netstar lacks (try:, with, an f-string
		// inside a def...) is read to its blank line like any block, then
		// offered for translation whole.
		if isBlockHeader(buf) && open {
			return "", false
		}
		return src, true // let eval report the syntax error
	}
	if len(f.Stmts) > 0 && isCompound(f.Stmts[len(f.Stmts)-1]) && open {
		return "", false
	}
	return src, true
}

// blockHeader matches a line that opens a block, in Starlark or in
// Python: it ends with a colon (and maybe a comment).
var blockHeader = regexp.MustCompile(`:\s*(#.*)?$`)

// isBlockHeader reports whether the first line of buf opens a block.
func isBlockHeader(buf []string) bool {
	for _, line := range buf {
		if strings.TrimSpace(line) != "" {
			return blockHeader.MatchString(line) && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t")
		}
	}
	return false
}

func isCompound(s syntax.Stmt) bool {
	switch s.(type) {
	case *syntax.DefStmt, *syntax.IfStmt, *syntax.ForStmt, *syntax.WhileStmt:
		return true
	}
	return false
}
