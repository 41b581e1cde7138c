package optparse

import (
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/netstar/netstar/builtins/pyfmt"

	"go.starlark.net/starlark"
)

// formatter is Python's IndentedHelpFormatter with its defaults:
// indent_increment 2, max_help_position 24, width $COLUMNS-2 (78).
type formatter struct {
	width, maxHelpPosition, helpPosition, helpWidth int
	currentIndent                                   int
	strings                                         map[*option]string
}

func newFormatter() *formatter {
	width := 80
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil {
		width = c
	}
	width -= 2
	f := &formatter{width: width, strings: map[*option]string{}}
	f.maxHelpPosition = min(24, max(width-20, 4))
	f.helpPosition = f.maxHelpPosition
	return f
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func (f *formatter) optionStrings(o *option) string {
	var opts []string
	if o.takesValue() {
		metavar := o.metavar
		if metavar == "" {
			metavar = strings.ToUpper(o.dest)
		}
		for _, s := range o.short {
			opts = append(opts, s+" "+metavar)
		}
		for _, s := range o.long {
			opts = append(opts, s+"="+metavar)
		}
	} else {
		opts = append(append(opts, o.short...), o.long...)
	}
	return strings.Join(opts, ", ")
}

func (f *formatter) storeOptionStrings(p *parser) {
	f.currentIndent += 2
	maxLen := 0
	for _, o := range p.options {
		s := f.optionStrings(o)
		f.strings[o] = s
		maxLen = max(maxLen, runeLen(s)+f.currentIndent)
	}
	f.currentIndent -= 2
	f.helpPosition = min(maxLen+2, f.maxHelpPosition)
	f.helpWidth = max(f.width-f.helpPosition, 11)
}

func (f *formatter) formatOption(p *parser, o *option) string {
	var sb strings.Builder
	opts := f.strings[o]
	optWidth := f.helpPosition - f.currentIndent - 2
	indentFirst := 0
	if runeLen(opts) > optWidth {
		sb.WriteString(strings.Repeat(" ", f.currentIndent) + opts + "\n")
		indentFirst = f.helpPosition
	} else {
		sb.WriteString(strings.Repeat(" ", f.currentIndent) + opts + strings.Repeat(" ", optWidth-runeLen(opts)) + "  ")
	}
	if o.hasHelp && o.help != "" {
		lines := wrap(p.expandDefault(o), f.helpWidth)
		if len(lines) == 0 {
			lines = []string{""}
		}
		sb.WriteString(strings.Repeat(" ", indentFirst) + lines[0] + "\n")
		for _, l := range lines[1:] {
			sb.WriteString(strings.Repeat(" ", f.helpPosition) + l + "\n")
		}
	} else if !strings.HasSuffix(sb.String(), "\n") {
		sb.WriteString("\n")
	}
	return sb.String()
}

// formatText is the formatter's _format_text: text filled to the width.
func (f *formatter) formatText(text string) string {
	indent := strings.Repeat(" ", f.currentIndent)
	lines := wrap(text, max(f.width-f.currentIndent, 11)-f.currentIndent)
	for i := range lines {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}

// expandDefault replaces %default in an option's help by its default.
func (p *parser) expandDefault(o *option) string {
	def := "none"
	if v, ok := p.defaults.get(o.dest); ok && o.dest != "" && v != starlark.None {
		def = pyStr(v)
	}
	return strings.ReplaceAll(o.help, "%default", def)
}

// formatHelp is OptionParser.format_help.
func (p *parser) formatHelp(argv0 string) string {
	f := newFormatter()
	var sb strings.Builder
	if u := p.getUsage(argv0); u != "" {
		sb.WriteString(u + "\n")
	}
	if p.description != "" {
		sb.WriteString(f.formatText(p.expandProg(p.description, argv0)) + "\n\n")
	}
	f.storeOptionStrings(p)
	var visible []*option
	for _, o := range p.options {
		if !(o.hasHelp && o.help == suppressHelp) {
			visible = append(visible, o)
		}
	}
	if len(p.options) > 0 {
		sb.WriteString("Options:\n")
		f.currentIndent += 2
		for _, o := range visible {
			sb.WriteString(f.formatOption(p, o))
		}
		f.currentIndent -= 2
	}
	if p.epilog != "" {
		sb.WriteString("\n" + f.formatText(p.epilog) + "\n")
	}
	return sb.String()
}

// getUsage is OptionParser.get_usage: "Usage: ...\n", or "" when the
// usage is suppressed.
func (p *parser) getUsage(argv0 string) string {
	if p.usage == nil || *p.usage == "" {
		return ""
	}
	return "Usage: " + p.expandProg(*p.usage, argv0) + "\n"
}

// wrap is Python's textwrap.wrap(text, width) with its defaults: tabs
// expanded, whitespace made spaces, long words broken, and breaks after
// hyphens inside hyphenated words.
func wrap(text string, width int) []string {
	text = expandTabs(text)
	text = strings.Map(func(r rune) rune {
		if strings.ContainsRune("\t\n\x0b\x0c\r", r) {
			return ' '
		}
		return r
	}, text)
	chunks := splitChunks(text)
	var lines []string
	for len(chunks) > 0 {
		var cur []string
		curLen := 0
		if len(lines) > 0 && strings.TrimSpace(chunks[0]) == "" {
			chunks = chunks[1:]
		}
		for len(chunks) > 0 {
			l := runeLen(chunks[0])
			if curLen+l > width {
				break
			}
			cur = append(cur, chunks[0])
			curLen += l
			chunks = chunks[1:]
		}
		if len(chunks) > 0 && runeLen(chunks[0]) > width {
			// A word longer than a line: break it.
			spaceLeft := width - curLen
			if width < 1 {
				spaceLeft = 1
			}
			chunk := []rune(chunks[0])
			end := spaceLeft
			if len(chunk) > spaceLeft {
				if h := lastIndexRune(chunk[:spaceLeft], '-'); h > 0 && strings.Trim(string(chunk[:h]), "-") != "" {
					end = h + 1
				}
			}
			cur = append(cur, string(chunk[:end]))
			chunks[0] = string(chunk[end:])
		}
		if len(cur) > 0 && strings.TrimSpace(cur[len(cur)-1]) == "" {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			lines = append(lines, strings.Join(cur, ""))
		}
	}
	return lines
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var sb strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			sb.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			sb.WriteRune(r)
			col = 0
		default:
			sb.WriteRune(r)
			col++
		}
	}
	return sb.String()
}

// splitChunks splits text into runs of spaces and words, splitting
// hyphenated words after their hyphens as textwrap's wordsep_re does.
func splitChunks(text string) []string {
	var chunks []string
	rs := []rune(text)
	for i := 0; i < len(rs); {
		j := i
		if rs[i] == ' ' {
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
			chunks = append(chunks, string(rs[i:j]))
			i = j
			continue
		}
		for j < len(rs) && rs[j] != ' ' {
			j++
		}
		word := rs[i:j]
		start := 0
		for k := range word {
			if word[k] == '-' && hyphenBreak(word, k) {
				chunks = append(chunks, string(word[start:k+1]))
				start = k + 1
			}
		}
		chunks = append(chunks, string(word[start:]))
		i = j
	}
	return chunks
}

func isLetter(r rune) bool { return r == '_' || unicode.IsLetter(r) }

// hyphenBreak reports whether textwrap breaks word after its hyphen at k:
// two letters (or letter-hyphen-letter) before, letter(-)letter after.
func hyphenBreak(w []rune, k int) bool {
	before := (k >= 2 && isLetter(w[k-1]) && isLetter(w[k-2])) ||
		(k >= 3 && isLetter(w[k-1]) && w[k-2] == '-' && isLetter(w[k-3]))
	if !before || k+1 >= len(w) || !isLetter(w[k+1]) {
		return false
	}
	return (k+2 < len(w) && isLetter(w[k+2])) || (k+3 < len(w) && w[k+2] == '-' && isLetter(w[k+3]))
}

// pyRepr is Python's repr of a string.
func pyRepr(s string) string { return pyfmt.Repr(starlark.String(s)) }

// pyStr is Python's str() of a value: strings as they are, anything else
// as Python's repr.
func pyStr(v starlark.Value) string {
	if s, ok := v.(starlark.String); ok {
		return string(s)
	}
	return pyfmt.Repr(v)
}
