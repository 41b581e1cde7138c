package translate

import (
	"fmt"
	"strings"
)

// A span is a string literal or a comment found by scanSource.
type span struct {
	comment    bool
	start, end int    // byte offsets in the source; end is exclusive
	prefix     string // string prefix as written (f, rb, ...), lower-cased
	quote      string // ', ", ''' or """
	depth      int    // bracket depth at the start of the span
}

// lineInfo classifies one source line, for copying blank lines and
// comments into the translation and finding where a statement ends.
type lineInfo struct {
	blank       bool // only white space, outside any string or bracket
	commentOnly bool // a comment is the first thing on the line
	comment     string
	// continues is set when the logical line goes on past this one: an
	// open bracket, an open triple-quoted string or a backslash.
	continues bool
}

// scanSource finds the string literals and comments of Python source and
// classifies its lines. It never fails: unterminated strings end at the
// end of the line (or of the source, for triple quotes), as the parser
// will report them anyway.
func scanSource(src string) ([]span, []lineInfo) {
	var spans []span
	nlines := strings.Count(src, "\n") + 1
	info := make([]lineInfo, nlines+1) // 1-based
	for i := range info {
		info[i].blank = true
	}
	line := 1
	depth := 0
	mark := func(i int) { // code seen on the current line
		if info[line].blank {
			info[line].blank = false
		}
		_ = i
	}
	isIdent := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			info[line].continues = info[line].continues || depth > 0
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '\\' && i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r'):
			info[line].continues = true
			mark(i)
			i++
		case c == '#':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			text := strings.TrimRight(src[i:i+j], "\r")
			if info[line].blank && depth == 0 {
				info[line].commentOnly = true
			}
			info[line].blank = false
			info[line].comment = text
			spans = append(spans, span{comment: true, start: i, end: i + j, depth: depth})
			i += j
		case c == '\'' || c == '"' || isIdent(c):
			start := i
			prefix := ""
			if c != '\'' && c != '"' {
				j := i
				for j < len(src) && isIdent(src[j]) {
					j++
				}
				word := src[i:j]
				if j < len(src) && (src[j] == '\'' || src[j] == '"') && isStringPrefix(word) && (c < '0' || c > '9') {
					prefix = strings.ToLower(word)
					i = j
				} else {
					mark(i)
					i = j
					continue
				}
			}
			mark(i)
			q := src[i : i+1]
			if strings.HasPrefix(src[i:], strings.Repeat(q, 3)) {
				q = strings.Repeat(q, 3)
			}
			j := i + len(q)
			for j < len(src) {
				if src[j] == '\\' {
					if j+1 < len(src) && src[j+1] == '\n' {
						info[line].continues = true
						line++
					}
					j += 2
					continue
				}
				if src[j] == '\n' {
					if len(q) == 1 {
						break // unterminated: the parser reports it
					}
					info[line].continues = true
					line++
					info[line].blank = false
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
			spans = append(spans, span{start: start, end: j, prefix: prefix, quote: q, depth: depth})
			i = j
		default:
			mark(i)
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			}
			i++
		}
	}
	return spans, info
}

func isStringPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// rewriteFStrings replaces every f-string of src by a str.format call,
// keeping line numbers: f"Puerto {p}: {estado!r}" becomes
// "Puerto {}: {!r}".format((p), (estado)). Adjacent literals that Python
// concatenates are joined with + inside parentheses.
func rewriteFStrings(src string, spans []span) (string, error) {
	has := false
	for _, s := range spans {
		if !s.comment && strings.Contains(s.prefix, "f") {
			has = true
			break
		}
	}
	if !has {
		return src, nil
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(spans); i++ {
		if spans[i].comment {
			continue
		}
		// Group adjacent string literals (implicit concatenation).
		j := i
		for j+1 < len(spans) && !spans[j+1].comment && adjacent(src, spans[j], spans[j+1]) {
			j++
		}
		group := spans[i : j+1]
		anyF := false
		for _, s := range group {
			anyF = anyF || strings.Contains(s.prefix, "f")
		}
		if !anyF {
			i = j
			continue
		}
		b.WriteString(src[last:group[0].start])
		parts := make([]string, 0, len(group))
		for k, s := range group {
			var text string
			if strings.Contains(s.prefix, "f") {
				t, err := fstringToFormat(src, s)
				if err != nil {
					return "", err
				}
				text = t
			} else {
				text = src[s.start:s.end]
			}
			if k > 0 {
				// Keep the newlines between the members.
				gap := src[group[k-1].end:s.start]
				text = strings.Repeat("\n", strings.Count(gap, "\n")) + text
			}
			parts = append(parts, text)
		}
		if len(parts) == 1 {
			b.WriteString(parts[0])
		} else {
			b.WriteString("(" + strings.Join(parts, " + ") + ")")
		}
		last = group[len(group)-1].end
		i = j
	}
	b.WriteString(src[last:])
	return b.String(), nil
}

// adjacent reports whether only white space (and, inside brackets,
// newlines) separates two string literals.
func adjacent(src string, a, b span) bool {
	gap := src[a.end:b.start]
	for i := 0; i < len(gap); i++ {
		switch gap[i] {
		case ' ', '\t', '\r', '\f':
		case '\n':
			if a.depth == 0 && !(i > 0 && gap[i-1] == '\\') {
				return false
			}
		case '\\':
		default:
			return false
		}
	}
	return true
}

// fstringError is a problem in an f-string found by the pre-pass.
type fstringError struct {
	offset int
	msg    string
}

func (e *fstringError) Error() string { return e.msg }

// fstringToFormat converts one f-string literal into a format call.
func fstringToFormat(src string, s span) (string, error) {
	lit := src[s.start:s.end]
	body := lit[len(s.prefix)+len(s.quote):]
	if !strings.HasSuffix(body, s.quote) || len(body) < len(s.quote) {
		return "", &fstringError{s.start, "f-string: unterminated string"}
	}
	body = body[:len(body)-len(s.quote)]
	raw := strings.Contains(s.prefix, "r")
	newPrefix := strings.ReplaceAll(s.prefix, "f", "")
	var out strings.Builder
	var args []string
	bodyStart := s.start + len(s.prefix) + len(s.quote)
	fail := func(i int, format string, a ...any) error {
		return &fstringError{bodyStart + i, "f-string: " + fmt.Sprintf(format, a...)}
	}
	var field func(i int, inSpec bool) (int, error)
	// field parses a replacement field starting after '{' at i and returns
	// the index after its '}'.
	field = func(i int, inSpec bool) (int, error) {
		start := i
		depth := 0
		for ; i < len(body); i++ {
			c := body[i]
			switch c {
			case '\'', '"':
				q := string(c)
				if strings.HasPrefix(body[i:], strings.Repeat(q, 3)) {
					q = strings.Repeat(q, 3)
				}
				end := strings.Index(body[i+len(q):], q)
				if end < 0 {
					return 0, fail(i, "unterminated string in expression")
				}
				i += len(q) + end + len(q) - 1
				continue
			case '(', '[', '{':
				depth++
				continue
			case ')', ']':
				depth--
				continue
			case '}':
				if depth > 0 {
					depth--
					continue
				}
			case '!':
				if depth > 0 || i+1 < len(body) && body[i+1] == '=' {
					continue
				}
			case ':':
				if depth > 0 {
					continue
				}
			case '=':
				if depth > 0 || i+1 < len(body) && body[i+1] == '=' || i > start && strings.ContainsRune("=!<>", rune(body[i-1])) {
					continue
				}
				if i+1 >= len(body) || !strings.ContainsRune("}!:", rune(body[i+1])) {
					continue
				}
			case '#':
				return 0, fail(i, "expression cannot include '#'")
			case '\\':
				return 0, fail(i, "expression cannot include a backslash")
			default:
				continue
			}
			break
		}
		if i >= len(body) {
			return 0, fail(start, "expecting '}'")
		}
		expr := body[start:i]
		if strings.TrimSpace(expr) == "" {
			return 0, fail(start, "empty expression not allowed")
		}
		conv, selfDoc := "", false
		if body[i] == '=' {
			selfDoc = true
			out.WriteString(strings.NewReplacer("{", "{{", "}", "}}").Replace(expr) + "=")
			i++
		}
		if i < len(body) && body[i] == '!' {
			if i+1 >= len(body) {
				return 0, fail(i, "expecting '}'")
			}
			conv = body[i+1 : i+2]
			if conv != "r" && conv != "s" && conv != "a" {
				return 0, fail(i, "invalid conversion character %q: expected 's', 'r', or 'a'", conv)
			}
			i += 2
		}
		out.WriteString("{")
		if conv != "" {
			out.WriteString("!" + conv)
		} else if selfDoc && (i >= len(body) || body[i] != ':') {
			out.WriteString("!r")
		}
		args = append(args, "("+expr+")")
		if i < len(body) && body[i] == ':' {
			if inSpec {
				return 0, fail(i, "expressions nested too deeply")
			}
			out.WriteString(":")
			i++
			for i < len(body) && body[i] != '}' {
				if body[i] == '{' {
					out.WriteString("{")
					n, err := field(i+1, true)
					if err != nil {
						return 0, err
					}
					i = n
					continue
				}
				out.WriteByte(body[i])
				i++
			}
		}
		if i >= len(body) || body[i] != '}' {
			return 0, fail(i, "expecting '}'")
		}
		out.WriteString("}")
		return i + 1, nil
	}
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case c == '\\' && !raw && strings.HasPrefix(body[i:], `\N{`):
			end := strings.IndexByte(body[i:], '}')
			if end < 0 {
				end = len(body) - i - 1
			}
			out.WriteString(body[i : i+end+1])
			i += end + 1
		case c == '\\' && i+1 < len(body):
			out.WriteString(body[i : i+2])
			i += 2
		case c == '{' && i+1 < len(body) && body[i+1] == '{', c == '}' && i+1 < len(body) && body[i+1] == '}':
			out.WriteString(body[i : i+2])
			i += 2
		case c == '{':
			n, err := field(i+1, false)
			if err != nil {
				return "", err
			}
			i = n
		case c == '}':
			return "", fail(i, "single '}' is not allowed")
		default:
			out.WriteByte(c)
			i++
		}
	}
	str := newPrefix + s.quote + out.String() + s.quote
	if len(args) == 0 {
		return str, nil
	}
	return str + ".format(" + strings.Join(args, ", ") + ")", nil
}
