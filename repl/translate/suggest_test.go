package translate

import (
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
	} {
		got, ok := Suggest(tc.src)
		if ok != tc.ok || !strings.Contains(got, tc.want) {
			t.Errorf("Suggest(%q) = %q, %v; want %q, %v", tc.src, got, ok, tc.want, tc.ok)
		}
	}
}
