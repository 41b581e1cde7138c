package translate

import (
	"context"
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		src, want string
		ok        bool
	}{
		{"try:\n    x = 1\nexcept:\n    pass\n", "x, __ns_err = catch(__ns_try_1)", true},
		{`print(f"{1 + 1}")`, `print("{}".format(1 + 1))`, true},
		{"x = 1", "", false}, // already netstar: nothing to suggest
		{"class A:\n    pass\n", `A = __ns_class__("A", None, __ns_class_A())`, true},
		{"def (:", "", false}, // not Python either
		{"", "", false},
		// A power of a variable is offered like one of literals.
		{"n = 3\nprint(n**2)\n", "print(pow(n, 2))", true},
		{"print(2**10)\n", "print(1024)", true},
		// nonlocal works input by input: the cell is the function's.
		{"def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    return inc\n", `__ns_c1["n"] += 1`, true},
		// A function typed in the REPL cannot rebind a global that
		// later inputs read (see TestUntranslatable).
		{"def add():\n    global total\n    total += 1\n", "", false},
	} {
		got, ok := Suggest(tc.src)
		if ok != tc.ok || !strings.Contains(got, tc.want) {
			t.Errorf("Suggest(%q) = %q, %v; want %q, %v", tc.src, got, ok, tc.want, tc.ok)
		}
	}
}

func TestUntranslatable(t *testing.T) {
	for _, tc := range []struct {
		src, want string // want: a substring of the only TODO's reason
	}{
		{"def add():\n    global total\n    total += 1\n", "global total is rebound by a function typed in the REPL"},
		{"try:\n    x = 1\nexcept:\n    pass\n", ""}, // translates
		{"def (:", ""}, // not Python
	} {
		todos := Untranslatable(context.Background(), tc.src)
		switch {
		case tc.want == "" && len(todos) > 0:
			t.Errorf("Untranslatable(%q) = %v, want none", tc.src, todos)
		case tc.want != "" && (len(todos) != 1 || !strings.Contains(todos[0].Reason, tc.want)):
			t.Errorf("Untranslatable(%q) = %v, want one with %q", tc.src, todos, tc.want)
		}
	}
}
