package kernel

import (
	"regexp"
	"sort"
	"strings"

	"github.com/netstar/netstar/builtins"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/translate"
	"go.starlark.net/starlark"
)

// keywords are Starlark's keywords plus the Python ones the dialect and
// the translator accept, as the REPL completes them.
var keywords = []string{
	"and", "break", "class", "continue", "def", "elif", "else", "except", "finally", "for", "from", "if",
	"import", "in", "is", "lambda", "load", "not", "or", "pass", "raise", "return", "try", "while", "with",
	"None", "True", "False",
}

func isWordRune(r rune) bool {
	return r == '_' || r == '.' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r > 127
}

// wordAt returns the dotted name ending at cursor (in code points) and
// where it starts.
func wordAt(code string, cursor int) (string, int) {
	rs := []rune(code)
	cursor = min(max(cursor, 0), len(rs))
	start := cursor
	for start > 0 && isWordRune(rs[start-1]) {
		start--
	}
	return string(rs[start:cursor]), start
}

// complete returns the names that complete the word before cursor, and
// the span (in code points) they replace: globals, builtins, keywords,
// and attributes after a dot (socket.geth → socket.gethostbyname).
// Nothing is called: attributes are only read.
func (k *Kernel) complete(code string, cursor int) (matches []string, start, end int) {
	defer func() {
		if recover() != nil {
			matches = []string{}
		}
	}()
	word, start := wordAt(code, cursor)
	end = start + len([]rune(word))
	matches = []string{}
	if strings.HasPrefix(word, ".") {
		return matches, start, end
	}
	var names []string
	prefix, qual := word, ""
	if dot := strings.LastIndexByte(word, '.'); dot >= 0 {
		prefix, qual = word[dot+1:], word[:dot+1]
		names = k.attrs(word[:dot])
	} else {
		names = k.names()
	}
	seen := map[string]bool{}
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !seen[n] && !strings.HasPrefix(n, "__") {
			seen[n] = true
			matches = append(matches, qual+n)
		}
	}
	sort.Strings(matches)
	return matches, start, end
}

// names lists the globals, Starlark's universe and the keywords.
func (k *Kernel) names() []string {
	k.s.Lock()
	defer k.s.Unlock()
	names := make([]string, 0, len(k.globals)+len(starlark.Universe)+len(keywords))
	for n := range k.globals {
		names = append(names, n)
	}
	for n := range starlark.Universe {
		names = append(names, n)
	}
	return append(names, keywords...)
}

// lookup finds the value of a dotted path of globals, reading attributes
// only. The caller holds the interpreter lock.
func (k *Kernel) lookup(path string) (starlark.Value, bool) {
	parts := strings.Split(path, ".")
	v, ok := k.globals[parts[0]]
	if !ok {
		v, ok = starlark.Universe[parts[0]]
	}
	if !ok {
		return nil, false
	}
	for _, p := range parts[1:] {
		ha, ok := v.(starlark.HasAttrs)
		if !ok {
			return nil, false
		}
		next, err := ha.Attr(p)
		if err != nil || next == nil {
			return nil, false
		}
		v = next
	}
	return v, true
}

// attrs lists the attributes of the value a dotted path names.
func (k *Kernel) attrs(path string) []string {
	k.s.Lock()
	defer k.s.Unlock()
	v, ok := k.lookup(path)
	if !ok {
		return nil
	}
	ha, ok := v.(starlark.HasAttrs)
	if !ok {
		return nil
	}
	return ha.AttrNames()
}

// inspect returns help() of the name at (or just before) cursor.
func (k *Kernel) inspect(code string, cursor int) (string, bool) {
	rs := []rune(code)
	cursor = min(max(cursor, 0), len(rs))
	// Extend to the end of the word under the cursor.
	for cursor < len(rs) && isWordRune(rs[cursor]) && rs[cursor] != '.' {
		cursor++
	}
	word, _ := wordAt(string(rs), cursor)
	word = strings.Trim(word, ".")
	if word == "" {
		return "", false
	}
	k.s.Lock()
	v, ok := k.lookup(word)
	k.s.Unlock()
	if !ok {
		return "", false
	}
	return builtins.Help(v), true
}

// blockHeader matches a line that opens a block, in Starlark or Python.
var blockHeader = regexp.MustCompile(`:\s*(#.*)?$`)

// isComplete answers is_complete_request with the REPL's rules: an
// unfinished construct (open bracket, triple-quoted string, trailing
// backslash, block header) is incomplete; a block is complete once it
// ends with an empty line; Python netstar translates counts as netstar.
func isComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	lines := strings.Split(strings.TrimRight(code, "\n"), "\n")
	last := lines[len(lines)-1]
	endsBlank := strings.HasSuffix(code, "\n\n") || strings.TrimSpace(last) == ""
	opensBlock := false
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			opensBlock = blockHeader.MatchString(strings.TrimRight(l, " \t")) || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")
			break
		}
	}
	if lineIndent := leading(last); blockHeader.MatchString(last) {
		indent = lineIndent + "    "
	} else {
		indent = lineIndent
	}
	src := code + "\n"
	_, err := interp.Parse("<cell>", []byte(src))
	if err == nil {
		if opensBlock && !endsBlank {
			return "incomplete", indent
		}
		return "complete", ""
	}
	if interp.IncompleteInput(err, []byte(src)) {
		return "incomplete", indent
	}
	if _, ok := translate.Suggest(code); ok {
		if opensBlock && !endsBlank {
			return "incomplete", indent
		}
		return "complete", ""
	}
	if opensBlock && !endsBlank {
		// A Python block still being typed (try: without its except).
		return "incomplete", indent
	}
	return "invalid", ""
}

func leading(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}
