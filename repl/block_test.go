package repl

import (
	"strings"
	"testing"
)

// prompt names the prompt the loop shows after a line: '.' for "... "
// (the input goes on), '>' for ">>> ".
func prompt(b *block) byte {
	if b.Pending() {
		return '.'
	}
	return '>'
}

// TestBlockTyped feeds lines one at a time, as typed: each arrives alone
// (more is false). prompts holds one prompt per line.
func TestBlockTyped(t *testing.T) {
	tests := []struct {
		name    string
		lines   []string
		prompts string
		want    []string // entries completed, in order
	}{
		{"expression", []string{"x + 1"}, ">", []string{"x + 1"}},
		{"assignment", []string{"x = 41"}, ">", []string{"x = 41"}},
		{"empty line at the prompt", []string{""}, ">", nil},
		{"spaces at the prompt", []string{"   "}, ">", nil},
		{"comment at the prompt", []string{"# nada"}, ">", []string{"# nada"}},
		{"def ends with an empty line",
			[]string{"def f():", "    return 1", ""}, "..>",
			[]string{"def f():\n    return 1"}},
		// Python 3.11 prints "... " after a line of spaces: only an
		// empty line ends a block.
		{"spaces do not end a def",
			[]string{"def f():", "    return 1", "    ", ""}, "...>",
			[]string{"def f():\n    return 1"}},
		{"a tab does not end an if",
			[]string{"if True:", "    x = 1", "\t", "    y = 2", ""}, "....>",
			[]string{"if True:\n    x = 1\n\t\n    y = 2"}},
		{"a comment at column 0 does not end a def",
			[]string{"def g():", "    a = 1", "# c", "    return a", ""}, "....>",
			[]string{"def g():\n    a = 1\n# c\n    return a"}},
		{"if else",
			[]string{"if x:", "    a = 1", "else:", "    a = 2", ""}, "....>",
			[]string{"if x:\n    a = 1\nelse:\n    a = 2"}},
		{"for",
			[]string{"for i in range(3):", "    print(i)", ""}, "..>",
			[]string{"for i in range(3):\n    print(i)"}},
		{"while",
			[]string{"while n < 3:", "    n += 1", ""}, "..>",
			[]string{"while n < 3:\n    n += 1"}},
		{"nested blocks go back to an outer level",
			[]string{"def g():", "    for i in range(2):", "        if i == 1:", "            print(i)", "    return 0", ""}, ".....>",
			[]string{"def g():\n    for i in range(2):\n        if i == 1:\n            print(i)\n    return 0"}},
		{"header inside a block asks for its body",
			[]string{"def g():", "    for x in y:"}, "..", nil},
		{"typed blank line ends the def early",
			[]string{"def g():", "    b = 1", "", "    return b"}, "..>>",
			[]string{"def g():\n    b = 1", "    return b"}},
		{"a column-0 line after spaces starts a new input",
			[]string{"def f():", "    return 1", "    ", "f()"}, "...>",
			[]string{"def f():\n    return 1", "f()"}},
		{"open parenthesis",
			[]string{"x = (1,", "", "2)"}, "..>",
			[]string{"x = (1,\n\n2)"}},
		{"open bracket and brace",
			[]string{"d = {'a': [1,", "2],", "}"}, "..>",
			[]string{"d = {'a': [1,\n2],\n}"}},
		{"triple-quoted string",
			[]string{`s = """uno`, "", `dos"""`}, "..>",
			[]string{"s = \"\"\"uno\n\ndos\"\"\""}},
		{"triple single quotes",
			[]string{`s = '''uno`, `dos'''`}, ".>",
			[]string{"s = '''uno\ndos'''"}},
		{"trailing backslash",
			[]string{`x = 1 + \`, "2"}, ".>",
			[]string{"x = 1 + \\\n2"}},
		{"syntax error runs at once",
			[]string{"x = = 1"}, ">",
			[]string{"x = = 1"}},
		{"bad indentation inside a block is read to its end",
			[]string{"def f():", "        a = 1", "    b = 2", ""}, "...>",
			[]string{"def f():\n        a = 1\n    b = 2"}},
		{"python try block is read to its blank line",
			[]string{"try:", "    y = 1 // 0", "except ZeroDivisionError as e:", "    print(e)", ""}, "....>",
			[]string{"try:\n    y = 1 // 0\nexcept ZeroDivisionError as e:\n    print(e)"}},
		{"blank lines only",
			[]string{"def f():", "    pass", "", "", ""}, "..>>>",
			[]string{"def f():\n    pass"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.prompts) != len(tt.lines) {
				t.Fatalf("bad test: %d prompts for %d lines", len(tt.prompts), len(tt.lines))
			}
			var b block
			var got []string
			var prompts []byte
			for _, line := range tt.lines {
				for _, in := range b.Feed(line, false) {
					checkInput(t, in)
					if in.pasting {
						t.Errorf("input %q: pasting set for typed lines", in.entry)
					}
					got = append(got, in.entry)
				}
				prompts = append(prompts, prompt(&b))
			}
			if string(prompts) != tt.prompts {
				t.Errorf("prompts %q, want %q", prompts, tt.prompts)
			}
			if !equal(got, tt.want) {
				t.Errorf("inputs\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// checkInput checks what every completed input must satisfy: it runs
// the lines it records in the history.
func checkInput(t *testing.T, in input) {
	t.Helper()
	if in.entry == "" || strings.TrimSpace(in.entry) == "" {
		t.Errorf("blank input returned: %+v", in)
	}
	if strings.TrimRight(in.src, "\n \t") != strings.TrimRight(in.entry, "\n \t") {
		t.Errorf("src %q does not run entry %q", in.src, in.entry)
	}
	if !strings.HasSuffix(in.src, "\n") {
		t.Errorf("src %q does not end with a newline", in.src)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBlockPasted feeds lines with their paste flag, as the loop gets
// them from the paste reader.
func TestBlockPasted(t *testing.T) {
	type fed struct {
		line string
		more bool
	}
	type out struct {
		entry   string
		pasting bool
	}
	tests := []struct {
		name string
		feed []fed
		want []out
	}{
		{"blank line inside a pasted def",
			[]fed{{"def f():", true}, {"    a = 20", true}, {"", true}, {"    return a + 1", true}, {"", false}},
			[]out{{"def f():\n    a = 20\n\n    return a + 1", false}}},
		{"pasted def then a call",
			[]fed{{"def f():", true}, {"    return 1", true}, {"", true}, {"print(f())", true}, {"", false}},
			[]out{{"def f():\n    return 1", true}, {"print(f())", true}}},
		{"spaces-only line before the call",
			[]fed{{"def f():", true}, {"    return 1", true}, {"    ", true}, {"f()", false}},
			[]out{{"def f():\n    return 1", true}, {"f()", false}}},
		{"the last pasted line waits for Enter",
			[]fed{{"def f():", true}, {"    return 1", true}},
			nil},
		{"simple statements run one by one",
			[]fed{{"x = 1", true}, {"y = 2", true}, {"x + y", false}},
			[]out{{"x = 1", true}, {"y = 2", true}, {"x + y", false}}},
		// A recalled history entry arrives as one string with newlines;
		// its inner newlines count as pasted.
		{"recalled multi-line entry",
			[]fed{{"def f():\n    a = 1\n\n    return a", false}, {"", false}},
			[]out{{"def f():\n    a = 1\n\n    return a", false}}},
		{"recalled entry ending a block",
			[]fed{{"for i in range(2):\n    print(i)\n", false}},
			[]out{{"for i in range(2):\n    print(i)", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b block
			var got []out
			for _, f := range tt.feed {
				for _, in := range b.Feed(f.line, f.more) {
					checkInput(t, in)
					got = append(got, out{in.entry, in.pasting})
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("inputs\n%+v\nwant\n%+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("input %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestBlockReset(t *testing.T) {
	var b block
	b.Feed("def f():", false)
	if !b.Pending() {
		t.Fatal("def f(): not pending")
	}
	b.Reset() // Ctrl-C
	if b.Pending() {
		t.Fatal("pending after Reset")
	}
	got := b.Feed("1 + 1", false)
	if len(got) != 1 || got[0].entry != "1 + 1" {
		t.Errorf("after Reset: %+v", got)
	}
}
