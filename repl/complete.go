package repl

import (
	"sort"
	"strings"
	"sync"

	"go.starlark.net/starlark"
)

// keywords are Starlark's keywords plus the Python ones the dialect
// accepts at the start of a line.
var keywords = []string{
	"and", "break", "continue", "def", "elif", "else", "for", "from", "if",
	"import", "in", "lambda", "load", "not", "or", "pass", "return", "while",
	"None", "True", "False",
}

// completer completes globals, keywords and attributes after a dot
// (socket.geth<Tab> → socket.gethostbyname). Unlike readline's
// PrefixCompleter it adds no trailing space.
type completer struct {
	// lock is the interpreter lock: background threads may be changing
	// globals while the user presses Tab.
	lock    sync.Locker
	globals starlark.StringDict
}

// Do implements readline.AutoCompleter: it returns the suffixes that
// complete the word before pos, and the length of that word. It never
// panics: readline calls it on its own goroutine, where a panic would
// end the process.
func (c *completer) Do(line []rune, pos int) (out [][]rune, length int) {
	defer func() {
		if recover() != nil {
			out, length = nil, 0
		}
	}()
	pos = min(max(pos, 0), len(line))
	start := pos
	for start > 0 && isWordRune(line[start-1]) {
		start--
	}
	word := string(line[start:pos])
	if strings.HasPrefix(word, ".") {
		return nil, 0 // after an expression we cannot evaluate safely, e.g. f().x
	}
	var names []string
	prefix := word
	if dot := strings.LastIndexByte(word, '.'); dot >= 0 {
		prefix = word[dot+1:]
		names = c.attrs(word[:dot])
	} else {
		names = c.names()
	}
	seen := map[string]bool{}
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !seen[n] && !strings.HasPrefix(n, "__") {
			seen[n] = true
			out = append(out, []rune(n[len(prefix):]))
		}
	}
	sort.Slice(out, func(i, j int) bool { return string(out[i]) < string(out[j]) })
	return out, len([]rune(prefix))
}

func isWordRune(r rune) bool {
	return r == '_' || r == '.' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r > 127
}

// names lists the globals, Starlark's universe and the keywords.
func (c *completer) names() []string {
	c.lock.Lock()
	defer c.lock.Unlock()
	names := make([]string, 0, len(c.globals)+len(starlark.Universe)+len(keywords))
	for k := range c.globals {
		names = append(names, k)
	}
	for k := range starlark.Universe {
		names = append(names, k)
	}
	return append(names, keywords...)
}

// attrs lists the attributes of the value named by a dotted path of
// globals. It only reads attributes: nothing is called.
func (c *completer) attrs(path string) []string {
	c.lock.Lock()
	defer c.lock.Unlock()
	parts := strings.Split(path, ".")
	v, ok := c.globals[parts[0]]
	if !ok {
		v, ok = starlark.Universe[parts[0]]
	}
	if !ok {
		return nil
	}
	for _, p := range parts[1:] {
		ha, ok := v.(starlark.HasAttrs)
		if !ok {
			return nil
		}
		next, err := ha.Attr(p)
		if err != nil || next == nil {
			return nil
		}
		v = next
	}
	ha, ok := v.(starlark.HasAttrs)
	if !ok {
		return nil
	}
	return ha.AttrNames()
}
