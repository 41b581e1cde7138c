package builtins

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/builtins/pyfmt"

	"github.com/netstar/netstar/modules"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Documented is implemented by values that carry their own help text
// (socket objects, scan results, servers...). help() probes for it.
type Documented interface {
	Doc() string
}

func helpBuiltin(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var x starlark.Value = starlark.None
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &x); err != nil {
		return nil, err
	}
	text := Help(x)
	if s := interp.SessionOf(thread); s != nil {
		fmt.Fprintln(s.Stdout(), text)
	} else {
		thread.Print(thread, text)
	}
	return starlark.None, nil
}

// Help returns the help text for x, as help(x) shows it.
func Help(x starlark.Value) string {
	switch v := x.(type) {
	case starlark.NoneType:
		return overview()
	case starlark.String:
		if m, ok := modules.Lookup(string(v)); ok {
			return moduleHelp(m)
		}
		if d := modules.Doc(string(v)); d != "" {
			return d
		}
		return i18n.T("help.notFound", string(v))
	case *starlark.Builtin:
		if d := modules.Doc(v.Name()); d != "" {
			return d
		}
		return i18n.T("help.noDoc", v.Name())
	case *starlark.Function:
		sig := signature(v)
		if v.Doc() == "" {
			return sig + "\n    " + i18n.T("help.noDocstring")
		}
		return sig + "\n" + indent(cleanDoc(v.Doc()), "    ")
	case Documented:
		return v.Doc()
	case *starlarkstruct.Module:
		// A per-session module (sys) is a copy of the registered value:
		// find it by name.
		if m, ok := modules.Lookup(v.Name); ok {
			return moduleHelp(m)
		}
	}
	for _, m := range modules.All() {
		if m.Value == x {
			return moduleHelp(m)
		}
	}
	text := i18n.T("help.value", x.Type())
	if ha, ok := x.(starlark.HasAttrs); ok {
		names := ha.AttrNames()
		if len(names) > 0 {
			text += "\n" + i18n.T("help.attrs", strings.Join(names, ", "))
		}
	}
	return text
}

// indent prefixes every non-blank line of text.
func indent(text, prefix string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// cleanDoc removes a docstring's indentation as Python's
// inspect.cleandoc does: the first line is stripped, the common indent of
// the others removed, and blank lines at either end dropped.
func cleanDoc(doc string) string {
	lines := strings.Split(strings.ReplaceAll(doc, "\t", "        "), "\n")
	indent := -1
	for _, l := range lines[1:] {
		if trimmed := strings.TrimLeft(l, " "); trimmed != "" {
			if n := len(l) - len(trimmed); indent < 0 || n < indent {
				indent = n
			}
		}
	}
	lines[0] = strings.TrimSpace(lines[0])
	for i := 1; i < len(lines); i++ {
		if len(lines[i]) >= indent && indent > 0 {
			lines[i] = lines[i][indent:]
		} else {
			lines[i] = strings.TrimLeft(lines[i], " ")
		}
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// signature returns a Starlark function's call signature as Python's
// help shows it: f(a, b=1, *args, c, **kwargs).
func signature(fn *starlark.Function) string {
	n, kwonly := fn.NumParams(), fn.NumKwonlyParams()
	positional := n - kwonly
	if fn.HasVarargs() {
		positional--
	}
	if fn.HasKwargs() {
		positional--
	}
	param := func(i int) string {
		name, _ := fn.Param(i)
		if d := fn.ParamDefault(i); d != nil {
			return name + "=" + pyfmt.Repr(d)
		}
		return name
	}
	var params []string
	for i := 0; i < positional; i++ {
		params = append(params, param(i))
	}
	if fn.HasVarargs() {
		name, _ := fn.Param(positional + kwonly)
		params = append(params, "*"+name)
	} else if kwonly > 0 {
		params = append(params, "*")
	}
	for i := positional; i < positional+kwonly; i++ {
		params = append(params, param(i))
	}
	if fn.HasKwargs() {
		name, _ := fn.Param(n - 1)
		params = append(params, "**"+name)
	}
	return fmt.Sprintf("%s(%s)", fn.Name(), strings.Join(params, ", "))
}

func moduleHelp(m modules.Module) string {
	var sb strings.Builder
	sb.WriteString(i18n.T("help.module", m.Name, m.Doc))
	if long := modules.Doc(m.Name); long != "" && long != m.Doc {
		sb.WriteString(i18n.T("help.description", strings.ReplaceAll(strings.TrimSpace(long), "\n", "\n    ")))
	}
	ha, ok := m.Value.(starlark.HasAttrs)
	if !ok {
		return sb.String()
	}
	var funcs, data []string
	names := ha.AttrNames()
	sort.Strings(names)
	for _, name := range names {
		if strings.HasPrefix(name, "_") {
			continue // private, as Python's help hides it
		}
		v, _ := ha.Attr(name)
		switch v := v.(type) {
		case *starlark.Builtin:
			d := modules.Doc(v.Name())
			if d == "" {
				d = name + "(...)"
			}
			funcs = append(funcs, "    "+strings.ReplaceAll(strings.TrimSpace(d), "\n", "\n        "))
		case nil:
		default:
			data = append(data, fmt.Sprintf("    %s = %s", name, v.String()))
		}
	}
	if len(funcs) > 0 {
		sb.WriteString(i18n.T("help.functions", strings.Join(funcs, "\n\n")))
	}
	if len(data) > 0 {
		sb.WriteString(i18n.T("help.data", strings.Join(data, "\n")))
	}
	return strings.TrimRight(sb.String(), "\n")
}

func overview() string {
	var sb strings.Builder
	sb.WriteString(i18n.T("help.intro"))
	sb.WriteString(newTable(modulesRows(), []string{i18n.T("help.column.module"), i18n.T("help.column.description")}).String())
	var names []string
	for _, b := range modules.Builtins() {
		names = append(names, b.Name)
	}
	sb.WriteString(i18n.T("help.builtins", strings.Join(names, ", ")))
	return sb.String()
}
