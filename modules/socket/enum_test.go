package socket

import (
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// namedInt is the enum value issue 15 asks for (repr
// <AddressFamily.AF_INET: 2>, equal to 2), built the only ways
// go.starlark.net allows. TestEnumCannotEqualInt shows why neither way is
// usable, which is why the module's AF_* and SOCK_* stay plain ints: a
// value that is not a starlark.Int cannot compare equal to one.
type namedInt struct {
	typ string // Type(): the class name, or "int"
	v   starlark.Int
}

func (e namedInt) String() string        { return e.v.String() }
func (e namedInt) Type() string          { return e.typ }
func (e namedInt) Freeze()               {}
func (e namedInt) Truth() starlark.Bool  { return e.v.Truth() }
func (e namedInt) Hash() (uint32, error) { return e.v.Hash() }

func (e namedInt) CompareSameType(op syntax.Token, y starlark.Value, depth int) (bool, error) {
	if o, ok := y.(namedInt); ok {
		y = o.v
	}
	return starlark.CompareDepth(op, e.v, y, depth)
}

// TestEnumCannotEqualInt pins the rule of go.starlark.net's
// CompareDepth (starlark/value.go) that decides issue 15's enum item:
// values of different types compare unequal, with no hook for the
// operands; two values have the "same type" when their Go types are
// equal or their Type() strings are. So an enum whose Type() is its
// class name is never == 2, and one that claims Type() "int" reaches
// Int.Cmp when the int is on the left (2 == AF_INET, AF_INET in [2],
// a dict lookup of 2), which asserts its argument to Int and panics.
// If go.starlark.net ever gives custom types a say, this test fails
// and the enum reprs can be done.
func TestEnumCannotEqualInt(t *testing.T) {
	two := starlark.MakeInt(2)
	named := namedInt{"AddressFamily", two}
	for _, tc := range []struct {
		name string
		x, y starlark.Value
	}{
		{"enum == int", named, two},
		{"int == enum", two, named},
	} {
		eq, err := starlark.Equal(tc.x, tc.y)
		if err != nil || eq {
			t.Errorf("%s: Equal = %v, %v; want false, nil (a custom type compares unequal to an int)", tc.name, eq, err)
		}
	}

	asInt := namedInt{"int", two}
	if eq, err := starlark.Equal(asInt, two); err != nil || !eq {
		t.Errorf("enum(type int) == 2: Equal = %v, %v; want true (its CompareSameType runs)", eq, err)
	}
	panicked := func() (p bool) {
		defer func() { p = recover() != nil }()
		starlark.Equal(two, asInt)
		return false
	}()
	if !panicked {
		t.Errorf("2 == enum(type int) did not panic: go.starlark.net's Int.Cmp accepts other types now; revisit the enum reprs of issue 15")
	}
}
