// Package errno registers netstar's errno module: Python's errno names
// (errno.ECONNREFUSED == 111 on Linux) and the errorcode dict mapping
// each number back to its name, so scripts compare connect_ex results
// and err.errno by name as Python code does.
package errno

import (
	"sort"

	"github.com/netstar/netstar/modules"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Module is the errno module:
//
//	E2BIG ... EXFULL    the platform's error numbers, as in Python's errno
//	errorcode           dict number -> name (errorcode[111] == "ECONNREFUSED")
//
// Where two names share a number (EAGAIN/EWOULDBLOCK, EDEADLK/EDEADLOCK,
// ENOTSUP/EOPNOTSUPP) errorcode gives the name Python gives.
var Module = &starlarkstruct.Module{Name: "errno", Members: members()}

func members() starlark.StringDict {
	m := starlark.StringDict{}
	codes := map[int]string{}
	for name, v := range names {
		m[name] = starlark.MakeInt(int(v))
		if p, ok := preferred[v]; ok {
			codes[int(v)] = p
		} else {
			codes[int(v)] = name
		}
	}
	nums := make([]int, 0, len(codes))
	for n := range codes {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	d := starlark.NewDict(len(nums))
	for _, n := range nums {
		d.SetKey(starlark.MakeInt(n), starlark.String(codes[n])) // cannot fail: ints are hashable
	}
	d.Freeze()
	m["errorcode"] = d
	return m
}

// Name returns errorcode's name for an error number ("ECONNREFUSED" for
// 111), or "" for an unknown number.
func Name(n int) string {
	v, _, _ := Module.Members["errorcode"].(*starlark.Dict).Get(starlark.MakeInt(n))
	s, _ := starlark.AsString(v)
	return s
}

func init() {
	modules.Register(modules.Module{
		Name:  "errno",
		Doc:   "error numbers as Python's errno module (ECONNREFUSED, ETIMEDOUT, errorcode...)",
		Value: Module,
		Docs: map[string]string{
			"errno": "errno: the platform's error numbers, as Python's errno module.\n" +
				"errno.ECONNREFUSED is 111 on Linux; errno.errorcode[111] is \"ECONNREFUSED\".\n" +
				"Compare connect_ex results and err.errno with these names.",
		},
	})
}
