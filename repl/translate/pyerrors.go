// Python's own syntax errors for the mistakes students make most:
// brackets never closed or closed by the wrong kind, indentation, tabs
// mixed with spaces. gpython's parser reports them as a generic error at
// another line; checkStructure finds them as CPython 3.11's tokenizer and
// parser do, with the same class, message, line and column.

package translate

import (
	"fmt"
	"strings"
)

// Error classes of a SyntaxError.
const (
	classSyntax      = "SyntaxError"
	classIndentation = "IndentationError"
	classTab         = "TabError"
)

// structErr is a SyntaxError found by checkStructure; tokenizer errors
// are CPython's tokenizer's (reported whatever the parser says), the
// others only when the parser fails too, not before the line at.
type structErr struct {
	*SyntaxError
	tokenizer bool
	at        int
}

type openBracket struct {
	c         byte
	line, col int
}

// blockKinds names the statement a block belongs to, as CPython words
// "expected an indented block after ...".
var blockKinds = map[string]string{
	"if": "'if' statement", "elif": "'elif' statement", "else": "'else' statement",
	"for": "'for' statement", "while": "'while' statement", "try": "'try' statement",
	"except": "'except' statement", "finally": "'finally' statement", "with": "'with' statement",
	"def": "function definition", "class": "class definition",
	"match": "'match' statement", "case": "'case' statement",
}

// checkStructure scans src (no NUL bytes, no BOM) for bracket and
// indentation errors, in source order; nil when it finds none.
func checkStructure(filename, src string) *structErr {
	lines := strings.Split(src, "\n")
	text := func(l int) string {
		if l >= 1 && l <= len(lines) {
			return strings.TrimRight(lines[l-1], "\r")
		}
		return ""
	}
	mk := func(class string, line, col int, format string, a ...any) *SyntaxError {
		return &SyntaxError{Filename: filename, Class: class, Line: line, Col: col, Msg: fmt.Sprintf(format, a...), Text: text(line)}
	}
	var brackets []openBracket
	indents, alts := []int{0}, []int{0}
	// The block opened by the last logical line, waiting for its body.
	pendingKind, pendingLine := "", 0
	// State of the logical line being read.
	lineStart := true  // at the start of a physical line
	inLogical := false // a logical line has started and not ended
	lastSig := byte(0) // the last significant character at depth 0
	firstWord := ""
	startLine := 0 // where the logical line started
	cont := false  // the last line ended with a backslash
	line, col := 1, 0
	for i := 0; i < len(src); {
		c := src[i]
		if lineStart {
			lineStart = false
			if len(brackets) == 0 && !cont {
				// Measure the indentation as CPython does: tabs to the
				// next multiple of 8 (col) and as one column (alt).
				j, w, alt := i, 0, 0
				for ; j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\f'); j++ {
					switch src[j] {
					case ' ':
						w++
						alt++
					case '\t':
						w = (w/8 + 1) * 8
						alt++
					case '\f':
						w, alt = 0, 0
					}
				}
				if j < len(src) && src[j] != '\n' && src[j] != '\r' && src[j] != '#' {
					if inLogical {
						// The previous logical line ends here.
						if lastSig == ':' && blockKinds[firstWord] != "" {
							pendingKind, pendingLine = blockKinds[firstWord], startLine
						}
					}
					if e := indentLine(&indents, &alts, w, alt, &pendingKind, pendingLine, line, j-i, mk); e != nil {
						return e
					}
					inLogical, lastSig, firstWord, startLine = true, 0, "", line
					wend := j
					for wend < len(src) && isWordByte(src[wend]) {
						wend++
					}
					firstWord = src[j:wend]
					if firstWord == "async" {
						k := wend
						for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
							k++
						}
						e := k
						for e < len(src) && isWordByte(src[e]) {
							e++
						}
						firstWord = src[k:e]
					}
				}
				col += j - i
				i = j
				continue
			}
		}
		cont = false
		switch {
		case c == '\n':
			line++
			col = 0
			lineStart = true
			i++
			continue
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
			line++
			col = 0
			lineStart, cont = true, true
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '\'' || c == '"':
			q := src[i : i+1]
			if strings.HasPrefix(src[i:], strings.Repeat(q, 3)) {
				q = strings.Repeat(q, 3)
			}
			j := i + len(q)
			for j < len(src) {
				if src[j] == '\\' && j+1 < len(src) {
					if src[j+1] == '\n' {
						line++
					}
					j += 2
					continue
				}
				if src[j] == '\n' {
					if len(q) == 1 {
						break // unterminated: the parser says so
					}
					line++
				}
				if strings.HasPrefix(src[j:], q) {
					j += len(q)
					break
				}
				j++
			}
			if j > len(src) {
				j = len(src)
			}
			if k := strings.LastIndexByte(src[i:j], '\n'); k >= 0 {
				col = j - (i + k + 1)
			} else {
				col += j - i
			}
			i = j
			if len(brackets) == 0 {
				lastSig = q[0]
			}
			continue
		case c == '(' || c == '[' || c == '{':
			brackets = append(brackets, openBracket{c, line, col + 1})
		case c == ')' || c == ']' || c == '}':
			if len(brackets) == 0 {
				return &structErr{SyntaxError: mk(classSyntax, line, col+1, "unmatched '%c'", c), tokenizer: true}
			}
			o := brackets[len(brackets)-1]
			if want := map[byte]byte{'(': ')', '[': ']', '{': '}'}[o.c]; want != c {
				msg := fmt.Sprintf("closing parenthesis '%c' does not match opening parenthesis '%c'", c, o.c)
				if o.line != line {
					msg += fmt.Sprintf(" on line %d", o.line)
				}
				return &structErr{SyntaxError: mk(classSyntax, line, col+1, "%s", msg), tokenizer: true}
			}
			brackets = brackets[:len(brackets)-1]
			if len(brackets) == 0 {
				lastSig = c
			}
		default:
			if len(brackets) == 0 {
				lastSig = c
			}
		}
		i++
		col++
	}
	if n := len(brackets); n > 0 {
		o := brackets[n-1]
		return &structErr{SyntaxError: mk(classSyntax, o.line, o.col, "'%c' was never closed", o.c), at: o.line}
	}
	if inLogical && lastSig == ':' && blockKinds[firstWord] != "" {
		pendingKind, pendingLine = blockKinds[firstWord], startLine
	}
	if pendingKind != "" {
		// At the end of the source: CPython points after the header,
		// or at the start of a line of blanks that follows it.
		end := lastCodeLine(lines)
		at, c := end, len(text(end))+1
		if end+1 < len(lines) || end+1 == len(lines) && lines[end] != "" {
			at, c = end+1, 1
		}
		return &structErr{SyntaxError: mk(classIndentation, at, c, "expected an indented block after %s on line %d", pendingKind, pendingLine), at: at}
	}
	return nil
}

// indentLine checks the indentation of a logical line (w columns, alt
// with tabs as one, n bytes) against the stack, as CPython's tokenizer
// and parser do.
func indentLine(indents, alts *[]int, w, alt int, pendingKind *string, pendingLine, line, n int, mk func(string, int, int, string, ...any) *SyntaxError) *structErr {
	top, altTop := (*indents)[len(*indents)-1], (*alts)[len(*alts)-1]
	tabErr := func() *structErr {
		return &structErr{SyntaxError: mk(classTab, line, 0, "inconsistent use of tabs and spaces in indentation"), tokenizer: true}
	}
	switch {
	case w == top:
		if alt != altTop {
			return tabErr()
		}
	case w > top:
		if alt <= altTop {
			return tabErr()
		}
		if *pendingKind == "" {
			return &structErr{SyntaxError: mk(classIndentation, line, n, "unexpected indent"), at: line}
		}
		*indents = append(*indents, w)
		*alts = append(*alts, alt)
		*pendingKind = ""
		return nil
	default:
		for len(*indents) > 1 && w < (*indents)[len(*indents)-1] {
			*indents = (*indents)[:len(*indents)-1]
			*alts = (*alts)[:len(*alts)-1]
		}
		if w != (*indents)[len(*indents)-1] {
			e := mk(classIndentation, line, 0, "unindent does not match any outer indentation level")
			e.Col = len(e.Text) + 1
			return &structErr{SyntaxError: e, tokenizer: true}
		}
		if alt != (*alts)[len(*alts)-1] {
			return tabErr()
		}
	}
	if *pendingKind != "" {
		kind := *pendingKind
		*pendingKind = ""
		return &structErr{SyntaxError: mk(classIndentation, line, n+1, "expected an indented block after %s on line %d", kind, pendingLine), at: line}
	}
	return nil
}

// lastCodeLine is the last line holding something besides blanks and
// comments.
func lastCodeLine(lines []string) int {
	for l := len(lines); l >= 1; l-- {
		t := strings.TrimSpace(lines[l-1])
		if t != "" && !strings.HasPrefix(t, "#") {
			return l
		}
	}
	return 1
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
