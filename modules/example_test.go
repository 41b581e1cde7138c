package modules_test

import (
	"fmt"

	"github.com/netstar/netstar/modules"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// A module package registers itself from init; here the registration is
// done inline. The shell then finds the module by name.
func ExampleRegister() {
	greet := starlark.NewBuiltin("greeter.hello", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var name string
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &name); err != nil {
			return nil, err
		}
		return starlark.String("hello, " + name), nil
	})
	modules.Register(modules.Module{
		Name:  "greeter",
		Doc:   "says hello",
		Value: &starlarkstruct.Module{Name: "greeter", Members: starlark.StringDict{"hello": greet}},
		Docs:  map[string]string{"greeter.hello": "hello(name)\nReturns a greeting."},
	})

	m, _ := modules.Lookup("greeter")
	fmt.Println(m.Name, "-", m.Doc)
	fmt.Println(modules.Doc("greeter.hello"))
	_, err := modules.Get("greeterz")
	fmt.Println(err != nil)
	// Output:
	// greeter - says hello
	// hello(name)
	// Returns a greeting.
	// true
}
