package math_test

import (
	"testing"

	_ "github.com/netstar/netstar/modules/math"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
)

func TestMath(t *testing.T) {
	res := interptest.Run(t, "t.star", `
import math
from math import sqrt, pi
assert.eq(sqrt(16), 4.0)
assert.eq(math.floor(2.5), 2)
assert.eq(math.ceil(2.5), 3)
assert.true(3.14 < pi and pi < 3.15)
assert.fails(lambda: math.sqrt("x"), "sqrt: for parameter 1: got string, want float or int")
`, interp.Config{})
	if res.Err != nil {
		t.Fatal(interp.FormatError(res.Err))
	}
}
