package repl

import (
	"sync"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

func noop(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return starlark.None, nil
}

// panicky is a value whose attributes panic when read.
type panicky struct{}

func (panicky) String() string        { return "panicky" }
func (panicky) Type() string          { return "panicky" }
func (panicky) Freeze()               {}
func (panicky) Truth() starlark.Bool  { return true }
func (panicky) Hash() (uint32, error) { return 0, nil }
func (panicky) Attr(string) (starlark.Value, error) {
	panic("Attr")
}
func (panicky) AttrNames() []string { panic("AttrNames") }

// testGlobals stands for a REPL's globals: a socket module like the
// real one, a nested struct, a string and a value that panics.
func testGlobals() starlark.StringDict {
	member := func(name string) starlark.Value { return starlark.NewBuiltin("socket."+name, noop) }
	socket := &starlarkstruct.Module{Name: "socket", Members: starlark.StringDict{
		"gethostbyname":    member("gethostbyname"),
		"gethostbyname_ex": member("gethostbyname_ex"),
		"gethostbyaddr":    member("gethostbyaddr"),
		"gethostname":      member("gethostname"),
		"getservbyport":    member("getservbyport"),
		"AF_INET":          starlark.MakeInt(2),
		"AF_INET6":         starlark.MakeInt(10),
		"__doc":            starlark.String("hidden"),
	}}
	return starlark.StringDict{
		"socket":          socket,
		"unique_name_123": starlark.MakeInt(5),
		"net": starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{
			"ipv4": starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{
				"addr": starlark.String("127.0.0.1"),
			}),
		}),
		"greeting": starlark.String("hola"),
		"ñandú":    starlark.MakeInt(1),
		"bad":      panicky{},
		"__echo__": starlark.None,
	}
}

func TestCompleter(t *testing.T) {
	tests := []struct {
		line   string
		pos    int // -1: end of line
		want   []string
		length int
	}{
		// Module attributes.
		{"socket.geth", -1, []string{"ostbyaddr", "ostbyname", "ostbyname_ex", "ostname"}, 4},
		{"socket.gethostbyname_", -1, []string{"ex"}, 14},
		{"socket.AF", -1, []string{"_INET", "_INET6"}, 2},
		{"print(socket.getse", -1, []string{"rvbyport"}, 5},
		{"socket.", -1, []string{"AF_INET", "AF_INET6", "gethostbyaddr", "gethostbyname", "gethostbyname_ex", "gethostname", "getservbyport"}, 0},
		{"socket.__d", -1, nil, 3}, // dunder names are hidden
		{"socket.zz", -1, nil, 2},
		// Nested attributes and methods of values.
		{"net.ipv4.ad", -1, []string{"dr"}, 2},
		{"greeting.upp", -1, []string{"er"}, 3},
		// Globals, the universe and keywords.
		{"unique_na", -1, []string{"me_123"}, 9},
		{"x = unique_na", -1, []string{"me_123"}, 9},
		{"soc", -1, []string{"ket"}, 3},
		{"ñan", -1, []string{"dú"}, 3},
		{"de", -1, []string{"f"}, 2},
		{"whi", -1, []string{"le"}, 3},
		{"Tr", -1, []string{"ue"}, 2},
		{"lambd", -1, []string{"a"}, 5},
		{"le", -1, []string{"n"}, 2},
		{"__ec", -1, nil, 4},
		// In the middle of a line, only the text before pos counts.
		{"socket.geth + 1", 11, []string{"ostbyaddr", "ostbyname", "ostbyname_ex", "ostname"}, 4},
		// Nothing to complete, and odd input: no panic, no candidates.
		{"f().x", -1, nil, 0},
		{"'abc'.up", -1, nil, 0},
		{"a[0].b", -1, nil, 0},
		{".", -1, nil, 0},
		{"..", -1, nil, 0},
		{"socket..ge", -1, nil, 2},
		{"1.5.", -1, nil, 0},
		{"nope.x", -1, nil, 1},
		{"socket.gethostbyname.x", -1, nil, 1},
		{"unique_name_123.x", -1, nil, 1},
		{"bad.x", -1, nil, 0},   // Attr panics: recovered
		{"bad.y.z", -1, nil, 0}, // likewise along a path
		{"zzz", -1, nil, 3},     // no such name
		{"socket.geth", 99, []string{"ostbyaddr", "ostbyname", "ostbyname_ex", "ostname"}, 4}, // pos past the end
		{"socket.geth", -5, nil, 0}, // negative pos: as pos 0, every name
		{"", -1, nil, 0},            // every name
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			var mu sync.Mutex
			c := &completer{lock: &mu, globals: testGlobals()}
			line := []rune(tt.line)
			pos := tt.pos
			if pos == -1 {
				pos = len(line)
			}
			if tt.pos == -5 {
				pos = -5
			}
			got, length := c.Do(line, pos)
			if !mu.TryLock() {
				t.Fatal("Do left the interpreter lock held")
			}
			mu.Unlock()
			if pos <= 0 {
				if len(got) < 30 {
					t.Errorf("empty line: %d candidates, want every name", len(got))
				}
				for _, s := range got {
					if len(s) >= 2 && s[0] == '_' && s[1] == '_' {
						t.Errorf("empty line offers %q", string(s))
					}
				}
				return
			}
			var gotS []string
			for _, s := range got {
				gotS = append(gotS, string(s))
			}
			if !equal(gotS, tt.want) {
				t.Errorf("Do(%q, %d) = %q, want %q", tt.line, pos, gotS, tt.want)
			}
			if len(got) > 0 && length != tt.length {
				t.Errorf("Do(%q, %d) length %d, want %d", tt.line, pos, length, tt.length)
			}
		})
	}
}
