package builtins

import (
	"fmt"

	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// catchBuiltin is netstar's try/except: catch(fn, *args, **kwargs).
func catchBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("%s: missing argument for fn", b.Name())
	}
	fn, ok := args[0].(starlark.Callable)
	if !ok {
		return nil, fmt.Errorf("%s: for parameter fn: got %s, want callable", b.Name(), args[0].Type())
	}
	v, err := starlark.Call(thread, fn, args[1:], kwargs)
	if err == nil {
		return starlark.Tuple{v, starlark.None}, nil
	}
	if !interp.Catchable(thread, err) {
		return nil, err
	}
	return starlark.Tuple{starlark.None, interp.NewException(err)}, nil
}
