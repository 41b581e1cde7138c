package pyclass

import (
	"fmt"
	"unsafe"

	"github.com/netstar/netstar/builtins/pyerr"
	"go.starlark.net/starlark"
)

// Builtins returns the helpers the translated code calls, under the
// translator's reserved names (repl/interp predeclares them):
//
//	__ns_class__(name, base, attrs)  a class (base: None, a class or a builtin class name)
//	__ns_super__(cls, self)          super() in a method of cls
//	__ns_staticmethod__(fn)          @staticmethod
//	__ns_classmethod__(fn)           @classmethod
//	__ns_isinstance__(x, classinfo)  isinstance, also with builtin types and exception names
//	__ns_issubclass__(c, classinfo)  issubclass
func Builtins() starlark.StringDict {
	return starlark.StringDict{
		"__ns_class__":        starlark.NewBuiltin("class", classBuiltin),
		"__ns_super__":        starlark.NewBuiltin("super", superBuiltin),
		"__ns_staticmethod__": starlark.NewBuiltin("staticmethod", staticBuiltin),
		"__ns_classmethod__":  starlark.NewBuiltin("classmethod", classmethodBuiltin),
		"__ns_isinstance__":   starlark.NewBuiltin("isinstance", isinstanceBuiltin),
		"__ns_issubclass__":   starlark.NewBuiltin("issubclass", issubclassBuiltin),
	}
}

func classBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	var base starlark.Value = starlark.None
	var attrs *starlark.Dict
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &name, "base", &base, "attrs", &attrs); err != nil {
		return nil, err
	}
	return NewClass(name, base, attrs)
}

// superProxy is super(): attributes looked up from the base of cls,
// bound to self.
type superProxy struct {
	cls  *Class
	self starlark.Value
}

func (s *superProxy) String() string        { return fmt.Sprintf("<super: <class '%s'>>", s.cls.name) }
func (s *superProxy) Type() string          { return "super" }
func (s *superProxy) Freeze()               {}
func (s *superProxy) Truth() starlark.Bool  { return true }
func (s *superProxy) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: super") }
func (s *superProxy) AttrNames() []string   { return nil }

func (s *superProxy) Attr(name string) (starlark.Value, error) {
	if s.cls.base != nil {
		if v, _ := s.cls.base.lookup(name); v != nil {
			switch f := v.(type) {
			case *staticMethod:
				return f.fn, nil
			case *classMethod:
				return &Method{recv: s.cls, fn: f.fn, name: name}, nil
			case starlark.Callable:
				return &Method{recv: s.self, fn: f, name: name}, nil
			}
			return v, nil
		}
	}
	// The builtin base: object.__init__ takes nothing; an exception's
	// __init__ sets args.
	if name == "__init__" {
		return starlark.NewBuiltin(s.cls.builtinBase+".__init__", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			inst, ok := s.self.(*Instance)
			if !ok {
				return starlark.None, nil
			}
			if inst.class.IsException() {
				inst.args = append(starlark.Tuple(nil), args...)
				return starlark.None, nil
			}
			if len(args) > 0 || len(kwargs) > 0 {
				return nil, pyerr.New("TypeError", "object.__init__() takes exactly one argument (the instance to initialize)")
			}
			return starlark.None, nil
		}), nil
	}
	return nil, starlark.NoSuchAttrError(fmt.Sprintf("'super' object has no attribute '%s'", name))
}

func superBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var cls *Class
	var self starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &cls, &self); err != nil {
		return nil, err
	}
	return &superProxy{cls: cls, self: self}, nil
}

func staticBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var fn starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &fn); err != nil {
		return nil, err
	}
	return &staticMethod{fn: fn}, nil
}

func classmethodBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var fn starlark.Callable
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &fn); err != nil {
		return nil, err
	}
	return &classMethod{fn: fn}, nil
}

// builtinTypes maps Python's builtin type names to Starlark's.
var builtinTypes = map[string][]string{
	"int":      {"int", "bool"},
	"bool":     {"bool"},
	"float":    {"float"},
	"str":      {"string"},
	"bytes":    {"bytes"},
	"list":     {"list"},
	"dict":     {"dict"},
	"tuple":    {"tuple"},
	"set":      {"set"},
	"object":   nil,
	"NoneType": {"NoneType"},
}

// Valuer is implemented by values that stand for a Python object
// (repl/interp's caught exception stands for the instance raised).
type Valuer interface {
	PythonValue() starlark.Value
}

// IsInstance reports whether x is an instance of classinfo: a Class, a
// builtin type's name or builtin function (int, str...), an exception
// class name, or a tuple of those.
func IsInstance(x, classinfo starlark.Value) (bool, error) {
	if v, ok := x.(Valuer); ok {
		if pv := v.PythonValue(); pv != nil {
			x = pv
		}
	}
	if t, ok := classinfo.(starlark.Tuple); ok {
		for _, c := range t {
			if ok, err := IsInstance(x, c); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	}
	switch c := classinfo.(type) {
	case *Class:
		inst, ok := x.(*Instance)
		return ok && inst.class.isSubclassOf(c), nil
	case *starlark.Builtin:
		return isInstanceOfName(x, c.Name())
	case starlark.String:
		return isInstanceOfName(x, string(c))
	}
	return false, pyerr.New("TypeError", "isinstance() arg 2 must be a type, a tuple of types, or a union")
}

func isInstanceOfName(x starlark.Value, name string) (bool, error) {
	if name == "object" {
		return true, nil
	}
	if types, ok := builtinTypes[name]; ok {
		for _, t := range types {
			if x.Type() == t {
				return true, nil
			}
		}
		return false, nil
	}
	if inst, ok := x.(*Instance); ok {
		return pyerr.IsSubclass(inst.class.builtinBase, name), nil
	}
	if e, ok := x.(interface{ ExceptionType() string }); ok {
		return pyerr.IsSubclass(e.ExceptionType(), name), nil
	}
	if pyerr.IsSubclass(name, "BaseException") {
		return false, nil
	}
	return false, pyerr.Errorf("TypeError", "isinstance() arg 2 must be a type, a tuple of types, or a union (%s is not known to netstar)", name)
}

func isinstanceBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x, classinfo starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &x, &classinfo); err != nil {
		return nil, err
	}
	ok, err := IsInstance(x, classinfo)
	return starlark.Bool(ok), err
}

// IsSubclass reports whether class c derives from classinfo.
func IsSubclass(c, classinfo starlark.Value) (bool, error) {
	if t, ok := classinfo.(starlark.Tuple); ok {
		for _, ci := range t {
			if ok, err := IsSubclass(c, ci); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	}
	name := func(v starlark.Value) (string, bool) {
		switch v := v.(type) {
		case *starlark.Builtin:
			return v.Name(), true
		case starlark.String:
			return string(v), true
		}
		return "", false
	}
	switch k := c.(type) {
	case *Class:
		if base, ok := classinfo.(*Class); ok {
			return k.isSubclassOf(base), nil
		}
		if n, ok := name(classinfo); ok {
			return n == "object" || pyerr.IsSubclass(k.builtinBase, n), nil
		}
	default:
		a, ok1 := name(c)
		b, ok2 := name(classinfo)
		if ok1 && ok2 {
			return a == b || b == "object" || (a == "bool" && b == "int") || pyerr.IsSubclass(a, b), nil
		}
		if _, ok := classinfo.(*Class); ok && ok1 {
			return false, nil
		}
	}
	return false, pyerr.New("TypeError", "issubclass() arg 1 must be a class")
}

func issubclassBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var c, classinfo starlark.Value
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &c, &classinfo); err != nil {
		return nil, err
	}
	ok, err := IsSubclass(c, classinfo)
	return starlark.Bool(ok), err
}

// Raise returns the error that raising v is: an exception instance (or
// class, called without arguments) becomes a *pyerr.Error of its class,
// carrying the instance and its class chain.
func Raise(thread *starlark.Thread, v starlark.Value) (*pyerr.Error, error) {
	if c, ok := v.(*Class); ok {
		inst, err := starlark.Call(thread, c, nil, nil)
		if err != nil {
			return nil, err
		}
		v = inst
	}
	inst, ok := v.(*Instance)
	if !ok || !inst.class.IsException() {
		return nil, pyerr.New("TypeError", "exceptions must derive from BaseException")
	}
	return &pyerr.Error{Type: inst.class.name, Strerror: inst.String(), Value: inst, Chain: inst.class.Chain()}, nil
}

func uintptrOf[T any](p *T) uintptr { return uintptr(unsafe.Pointer(p)) }
