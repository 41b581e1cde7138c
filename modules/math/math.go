// Package math registers go.starlark.net's math module under netstar's
// registry.
package math

import (
	"github.com/netstar/netstar/modules"
	"go.starlark.net/lib/math"
)

func init() {
	modules.Register(modules.Module{
		Name:  "math",
		Doc:   "mathematical functions and constants (sqrt, floor, ceil, log, pi, e...)",
		Value: math.Module,
	})
}
