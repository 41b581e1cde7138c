package interp

import (
	"fmt"

	"github.com/netstar/netstar/builtins/pyfmt"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// opBuiltin is __pyop__: it wraps the left operand of |, & and ^ so that
// two bools combine as in Python, and a string left of % so that it
// formats as Python's % does; any other operands get Starlark's own
// operator.
var opBuiltin = starlark.NewBuiltin(opFunc, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) != 1 || len(kwargs) != 0 {
		return nil, fmt.Errorf("%s: want one operand", b.Name())
	}
	return pyOperand{args[0]}, nil
})

// pyOperand is a left operand of |, & or ^ waiting for its right one.
type pyOperand struct{ v starlark.Value }

var _ starlark.HasBinary = pyOperand{}

func (p pyOperand) String() string        { return p.v.String() }
func (p pyOperand) Type() string          { return p.v.Type() }
func (p pyOperand) Freeze()               { p.v.Freeze() }
func (p pyOperand) Truth() starlark.Bool  { return p.v.Truth() }
func (p pyOperand) Hash() (uint32, error) { return p.v.Hash() }

// Binary combines the operand with y.
func (p pyOperand) Binary(op syntax.Token, y starlark.Value, side starlark.Side) (starlark.Value, error) {
	x := p.v
	if side == starlark.Right {
		x, y = y, x
	}
	if s, ok := x.(starlark.String); ok && op == syntax.PERCENT {
		out, err := pyfmt.Percent(string(s), y)
		if err != nil {
			return nil, err
		}
		return starlark.String(out), nil
	}
	if bx, ok := x.(starlark.Bool); ok {
		if by, ok := y.(starlark.Bool); ok {
			switch op {
			case syntax.PIPE:
				return bx || by, nil
			case syntax.AMP:
				return bx && by, nil
			case syntax.CIRCUMFLEX:
				return starlark.Bool(bx != by), nil
			}
		}
	}
	return starlark.Binary(op, x, y)
}
