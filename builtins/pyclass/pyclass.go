// Package pyclass gives netstar Python's classes: a Class value made from
// a name, one base and a dict of attributes, whose call makes an
// Instance with mutable attributes, bound methods, __init__, __str__ and
// __repr__, super(), staticmethod and classmethod, and isinstance and
// issubclass that also know the builtin types and exception classes.
//
// The translator (repl/translate) writes a Python class as a function
// that returns the class body's names, passed to __ns_class__; repl/interp
// predeclares the helpers Builtins returns. The helpers' names start with
// the translator's reserved prefix, so no user name is taken.
package pyclass

import (
	"fmt"
	"sort"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/builtins/pyfmt"
	"go.starlark.net/starlark"
)

// Class is a Python class defined by a program.
type Class struct {
	name string
	// base is the user class this one derives from, or nil.
	base *Class
	// builtinBase is the builtin class at the root of the chain, such as
	// "Exception" or "ValueError", or "object".
	builtinBase string
	attrs       map[string]starlark.Value
	frozen      bool
}

var (
	_ starlark.Callable    = (*Class)(nil)
	_ starlark.HasSetField = (*Class)(nil)
	_ pyfmt.PyReprer       = (*Class)(nil)
)

// NewClass returns a class. base is nil, a *Class, or the name of a
// builtin class (a starlark.String: "object", "Exception", "ValueError").
func NewClass(name string, base starlark.Value, attrs *starlark.Dict) (*Class, error) {
	c := &Class{name: name, builtinBase: "object", attrs: map[string]starlark.Value{}}
	switch b := base.(type) {
	case nil, starlark.NoneType:
	case *Class:
		c.base, c.builtinBase = b, b.builtinBase
	case starlark.String:
		if b != "object" && !pyerr.IsSubclass(string(b), "BaseException") {
			return nil, pyerr.Errorf("TypeError", "netstar classes can derive from object, an exception class or a class of the program, not %s", string(b))
		}
		c.builtinBase = string(b)
	default:
		return nil, pyerr.Errorf("TypeError", "class %s: a base must be a class, not %s", name, base.Type())
	}
	if attrs != nil {
		for _, item := range attrs.Items() {
			k, ok := starlark.AsString(item[0])
			if !ok {
				return nil, fmt.Errorf("class %s: attribute names must be strings", name)
			}
			c.attrs[k] = item[1]
		}
	}
	return c, nil
}

// Name returns the class's name.
func (c *Class) Name() string { return c.name }

// IsException reports whether the class derives from BaseException.
func (c *Class) IsException() bool { return pyerr.IsSubclass(c.builtinBase, "BaseException") }

// Chain returns the class names from c up to the builtin base, e.g.
// ["MyError", "AppError", "ValueError"].
func (c *Class) Chain() []string {
	var out []string
	for k := c; k != nil; k = k.base {
		out = append(out, k.name)
	}
	return append(out, c.builtinBase)
}

// lookup finds an attribute in the class or its bases.
func (c *Class) lookup(name string) (starlark.Value, *Class) {
	for k := c; k != nil; k = k.base {
		if v, ok := k.attrs[name]; ok {
			return v, k
		}
	}
	return nil, nil
}

// isSubclassOf reports whether c is base or derives from it.
func (c *Class) isSubclassOf(base *Class) bool {
	for k := c; k != nil; k = k.base {
		if k == base {
			return true
		}
	}
	return false
}

func (c *Class) String() string { return fmt.Sprintf("<class '__main__.%s'>", c.name) }

// PyRepr is the class's repr, as String.
func (c *Class) PyRepr() string { return c.String() }

// Type returns "type", as Python's type(C).__name__.
func (c *Class) Type() string { return "type" }

// Freeze freezes the class attributes.
func (c *Class) Freeze() {
	if c.frozen {
		return
	}
	c.frozen = true
	for _, v := range c.attrs {
		v.Freeze()
	}
}

// Truth is true.
func (c *Class) Truth() starlark.Bool { return true }

// Hash hashes by identity.
func (c *Class) Hash() (uint32, error) { return hashString(c.name), nil }

// AttrNames lists the class's attributes and those of its bases.
func (c *Class) AttrNames() []string {
	seen := map[string]bool{"__name__": true}
	for k := c; k != nil; k = k.base {
		for n := range k.attrs {
			seen[n] = true
		}
	}
	return sortedKeys(seen)
}

// Attr returns a class attribute; a classmethod comes bound to the class.
func (c *Class) Attr(name string) (starlark.Value, error) {
	if name == "__name__" {
		return starlark.String(c.name), nil
	}
	v, _ := c.lookup(name)
	switch f := v.(type) {
	case nil:
		return nil, starlark.NoSuchAttrError(fmt.Sprintf("type object '%s' has no attribute '%s'", c.name, name))
	case *staticMethod:
		return f.fn, nil
	case *classMethod:
		return &Method{recv: c, fn: f.fn, name: name}, nil
	}
	return v, nil
}

// SetField sets a class attribute.
func (c *Class) SetField(name string, v starlark.Value) error {
	if c.frozen {
		return fmt.Errorf("cannot set %s.%s: class is frozen", c.name, name)
	}
	c.attrs[name] = v
	return nil
}

// CallInternal makes an instance and runs __init__ on it.
func (c *Class) CallInternal(thread *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	inst := &Instance{class: c, fields: map[string]starlark.Value{}, print: thread.Print}
	if c.IsException() {
		inst.args = append(starlark.Tuple(nil), args...)
	}
	init, _ := c.lookup("__init__")
	if init == nil {
		if !c.IsException() && (len(args) > 0 || len(kwargs) > 0) {
			return nil, pyerr.Errorf("TypeError", "%s() takes no arguments", c.name)
		}
		return inst, nil
	}
	r, err := starlark.Call(thread, init, append(starlark.Tuple{inst}, args...), kwargs)
	if err != nil {
		return nil, err
	}
	if r != starlark.None {
		return nil, pyerr.Errorf("TypeError", "__init__() should return None, not '%s'", r.Type())
	}
	return inst, nil
}

// Instance is an object of a Class.
type Instance struct {
	class  *Class
	fields map[string]starlark.Value
	order  []string
	// args are an exception's arguments (BaseException.args).
	args   starlark.Tuple
	frozen bool
	// print is the Print of the thread that made the instance, for
	// __str__ and __repr__ called without a thread.
	print func(*starlark.Thread, string)
}

var (
	_ starlark.HasSetField = (*Instance)(nil)
	_ pyfmt.PyReprer       = (*Instance)(nil)
)

// Class returns the instance's class.
func (o *Instance) Class() *Class { return o.class }

// Type returns the class's name, as Python's type(o).__name__: errors
// read "Scanner has no .x field".
func (o *Instance) Type() string { return o.class.name }

// Freeze freezes the instance's attributes.
func (o *Instance) Freeze() {
	if o.frozen {
		return
	}
	o.frozen = true
	for _, v := range o.fields {
		v.Freeze()
	}
	o.args.Freeze()
}

// Truth is true, unless __bool__ or __len__ say otherwise (not called:
// objects are true, as most are in Python).
func (o *Instance) Truth() starlark.Bool { return true }

// Hash hashes by identity.
func (o *Instance) Hash() (uint32, error) {
	return uint32(uintptrOf(o)), nil
}

// AttrNames lists the instance's fields and its class's attributes.
func (o *Instance) AttrNames() []string {
	seen := map[string]bool{}
	for n := range o.fields {
		seen[n] = true
	}
	for _, n := range o.class.AttrNames() {
		seen[n] = true
	}
	if o.class.IsException() {
		seen["args"] = true
	}
	delete(seen, "__name__")
	return sortedKeys(seen)
}

// Attr returns a field, or a class attribute (methods bound to o).
func (o *Instance) Attr(name string) (starlark.Value, error) {
	if v, ok := o.fields[name]; ok {
		return v, nil
	}
	if name == "args" && o.class.IsException() {
		return o.args, nil
	}
	if name == "__class__" {
		return o.class, nil
	}
	v, _ := o.class.lookup(name)
	switch f := v.(type) {
	case nil:
		return nil, starlark.NoSuchAttrError(fmt.Sprintf("'%s' object has no attribute '%s'", o.class.name, name))
	case *starlark.Function:
		return &Method{recv: o, fn: f, name: name}, nil
	case *staticMethod:
		return f.fn, nil
	case *classMethod:
		return &Method{recv: o.class, fn: f.fn, name: name}, nil
	}
	return v, nil
}

// SetField sets a field: self.x = 1.
func (o *Instance) SetField(name string, v starlark.Value) error {
	if o.frozen {
		return fmt.Errorf("cannot set %s.%s: object is frozen (shared between threads?)", o.class.name, name)
	}
	if name == "args" && o.class.IsException() {
		t, ok := v.(starlark.Tuple)
		if !ok {
			return pyerr.New("TypeError", "args must be a tuple")
		}
		o.args = t
		return nil
	}
	if _, ok := o.fields[name]; !ok {
		o.order = append(o.order, name)
	}
	o.fields[name] = v
	return nil
}

// call runs a special method (__str__, __repr__) on a thread of its own:
// String and PyRepr get none. It reports ok=false when the class has no
// such method.
func (o *Instance) call(name string) (string, bool, error) {
	fn, _ := o.class.lookup(name)
	if fn == nil {
		return "", false, nil
	}
	th := &starlark.Thread{Name: o.class.name + "." + name, Print: o.print}
	r, err := starlark.Call(th, fn, starlark.Tuple{o}, nil)
	if err != nil {
		return "", true, err
	}
	s, ok := starlark.AsString(r)
	if !ok {
		return "", true, pyerr.Errorf("TypeError", "%s returned non-string (type %s)", name, r.Type())
	}
	return s, true, nil
}

// String is Python's str(o): __str__, else __repr__, else for an
// exception its arguments, else the default repr.
func (o *Instance) String() string {
	if s, ok, err := o.call("__str__"); ok {
		if err != nil {
			return "<" + err.Error() + ">"
		}
		return s
	}
	if o.class.IsException() {
		return ExceptionStr(o.args)
	}
	return o.PyRepr()
}

// PyRepr is Python's repr(o): __repr__, else
// <__main__.Scanner object at 0x...>, or MyError('x') for an exception.
func (o *Instance) PyRepr() string {
	if s, ok, err := o.call("__repr__"); ok {
		if err != nil {
			return "<" + err.Error() + ">"
		}
		return s
	}
	if o.class.IsException() {
		if len(o.args) == 1 {
			return o.class.name + "(" + pyfmt.Repr(o.args[0]) + ")"
		}
		return o.class.name + pyfmt.Repr(o.args)
	}
	return fmt.Sprintf("<__main__.%s object at %#x>", o.class.name, uintptrOf(o))
}

// ExceptionStr is Python's str() of an exception with these arguments:
// "" for none, str(a) for one, the tuple's repr for more.
func ExceptionStr(args starlark.Tuple) string {
	switch len(args) {
	case 0:
		return ""
	case 1:
		if s, ok := starlark.AsString(args[0]); ok {
			return s
		}
		return pyfmt.Str(args[0])
	}
	return pyfmt.Repr(args)
}

// Method is a function bound to an instance (or, for a classmethod, to a
// class).
type Method struct {
	recv starlark.Value
	fn   starlark.Callable
	name string
}

var _ starlark.Callable = (*Method)(nil)

// Name returns the method's name.
func (m *Method) Name() string { return m.name }

func (m *Method) String() string {
	owner := m.recv.Type()
	if c, ok := m.recv.(*Class); ok {
		owner = c.name
	}
	return fmt.Sprintf("<bound method %s.%s of %s>", owner, m.name, pyfmt.Repr(m.recv))
}

// Type returns "method".
func (m *Method) Type() string { return "method" }

// Freeze freezes the receiver.
func (m *Method) Freeze() { m.recv.Freeze() }

// Truth is true.
func (m *Method) Truth() starlark.Bool { return true }

// Hash fails: methods are compared by identity only.
func (m *Method) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: method") }

// CallInternal calls the function with the receiver first.
func (m *Method) CallInternal(thread *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return starlark.Call(thread, m.fn, append(starlark.Tuple{m.recv}, args...), kwargs)
}

type staticMethod struct{ fn starlark.Value }
type classMethod struct{ fn starlark.Callable }

func (s *staticMethod) String() string        { return "<staticmethod>" }
func (s *staticMethod) Type() string          { return "staticmethod" }
func (s *staticMethod) Freeze()               { s.fn.Freeze() }
func (s *staticMethod) Truth() starlark.Bool  { return true }
func (s *staticMethod) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: staticmethod") }
func (c *classMethod) String() string         { return "<classmethod>" }
func (c *classMethod) Type() string           { return "classmethod" }
func (c *classMethod) Freeze()                { c.fn.Freeze() }
func (c *classMethod) Truth() starlark.Bool   { return true }
func (c *classMethod) Hash() (uint32, error)  { return 0, fmt.Errorf("unhashable: classmethod") }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hashString(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}
