package socket

import (
	"context"
	"io"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/modules/socket/idna"
	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/modules/socket/scan"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
	"golang.org/x/sys/unix"
)

// Bulk lookup limits.
type bulkArgs struct {
	workers int
	timeout time.Duration
	family  int
	qtype   uint16 // resolve(type=...): 0 for addresses by family
}

func unpackBulk(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple, withFamily bool) (starlark.Value, bulkArgs, error) {
	var targets starlark.Value
	var timeoutV, familyV, typeV starlark.Value = starlark.Float(2), starlark.None, starlark.None
	a := bulkArgs{workers: resolve.DefaultWorkers, family: unix.AF_INET}
	var err error
	if withFamily {
		err = starlark.UnpackArgs(b.Name(), args, kwargs, "names", &targets, "workers?", &a.workers, "timeout?", &timeoutV, "family?", &familyV, "type?", &typeV)
		if err == nil {
			err = unpackFamilyType(b, familyV, typeV, &a)
		}
	} else {
		err = starlark.UnpackArgs(b.Name(), args, kwargs, "targets", &targets, "workers?", &a.workers, "timeout?", &timeoutV)
	}
	if err != nil {
		return nil, a, err
	}
	if a.workers < 1 || a.workers > resolve.MaxWorkers {
		return nil, a, pyerr.Errorf("ValueError", "%s: for parameter workers: must be 1-%d, got %d", b.Name(), resolve.MaxWorkers, a.workers)
	}
	if a.timeout, err = pyarg.Timeout(b.Name(), "timeout", timeoutV, pyarg.TimeoutOptions{Max: time.Hour}); err != nil {
		return nil, a, err
	}
	return targets, a, nil
}

// unpackFamilyType reads resolve's family and type: family (AF_INET,
// AF_INET6, AF_UNSPEC) asks addresses; type a record type by name, which
// "A" and "AAAA" answer as family AF_INET and AF_INET6 do. Both at once
// is an error unless they agree.
func unpackFamilyType(b *starlark.Builtin, familyV, typeV starlark.Value, a *bulkArgs) error {
	if familyV != starlark.None {
		if err := starlark.AsInt(familyV, &a.family); err != nil {
			return pyerr.Errorf("TypeError", "%s: for parameter family: got %s, want int (AF_INET, AF_INET6 or AF_UNSPEC)", b.Name(), familyV.Type())
		}
		if a.family != unix.AF_INET && a.family != unix.AF_INET6 && a.family != unix.AF_UNSPEC {
			return pyerr.Errorf("ValueError", "%s: for parameter family: want AF_INET, AF_INET6 or AF_UNSPEC, got %d", b.Name(), a.family)
		}
	}
	if typeV == starlark.None {
		return nil
	}
	name, ok := starlark.AsString(typeV)
	if !ok {
		return pyerr.Errorf("TypeError", "%s: for parameter type: got %s, want str (\"MX\", \"TXT\"...)", b.Name(), typeV.Type())
	}
	qtype, ok := resolve.RecordTypes[strings.ToUpper(name)]
	if !ok {
		return pyerr.Errorf("ValueError", "%s: for parameter type: unknown record type %q (want one of %s)", b.Name(), name, strings.Join(recordTypeNames(), ", "))
	}
	typeFamily := map[uint16]int{dns.TypeA: unix.AF_INET, dns.TypeAAAA: unix.AF_INET6}
	if familyV != starlark.None {
		if f, ok := typeFamily[qtype]; !ok || f != a.family {
			return pyerr.Errorf("ValueError", "%s: type=%q and family=%d ask different things; give one of them", b.Name(), name, a.family)
		}
	}
	if f, ok := typeFamily[qtype]; ok {
		a.family = f // addresses, from the hosts file first as before
		return nil
	}
	a.qtype = qtype
	return nil
}

// stringsOf collects the strings of an iterable (list, tuple, set...).
func stringsOf(b *starlark.Builtin, param string, v starlark.Value) ([]string, error) {
	if s, ok := v.(starlark.String); ok {
		return []string{string(s)}, nil
	}
	it, ok := v.(starlark.Iterable)
	if !ok {
		return nil, pyerr.Errorf("TypeError", "%s: for parameter %s: got %s, want a list of strings", b.Name(), param, v.Type())
	}
	iter := it.Iterate()
	defer iter.Done()
	var out []string
	var x starlark.Value
	for iter.Next(&x) {
		s, ok := starlark.AsString(x)
		if !ok {
			return nil, pyerr.Errorf("TypeError", "%s: for parameter %s: element %d is %s, want string", b.Name(), param, len(out), x.Type())
		}
		out = append(out, s)
	}
	return out, nil
}

func resultsDict(keys []string, results []resolve.Result) *starlark.Dict {
	d := starlark.NewDict(len(keys))
	for i, k := range keys {
		var v starlark.Value
		if results[i].Err != nil {
			v = interp.NewException(results[i].Err)
		} else {
			v = stringList(results[i].Values)
		}
		d.SetKey(starlark.String(k), v) // strings are hashable: cannot fail
	}
	return d
}

// sessionProgress returns where progress may be drawn: the session's
// stderr when it is a terminal, else nil.
func sessionProgress(thread *starlark.Thread) io.Writer {
	if s := interp.SessionOf(thread); s != nil {
		return s.Progress()
	}
	return nil
}

func resolveFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	targets, a, err := unpackBulk(b, args, kwargs, true)
	if err != nil {
		return nil, err
	}
	names, err := stringsOf(b, "names", targets)
	if err != nil {
		return nil, err
	}
	if a.qtype != 0 {
		return recordsFn(thread, b, names, a)
	}
	progress, clear := resolve.ProgressTo(sessionProgress(thread), "resolve")
	family := a.family
	if family == unix.AF_UNSPEC {
		family = resolve.AnyFamily
	}
	// Names go through Python's idna codec, as gethostbyname's do; one
	// that cannot be encoded is an error in its own entry.
	results := make([]resolve.Result, len(names))
	var lookup []string
	var at []int
	for i, n := range names {
		a, err := idna.Encode(n)
		if err != nil {
			results[i].Err = err
			continue
		}
		lookup, at = append(lookup, a), append(at, i)
	}
	found, err := blocking(thread, b, func(ctx context.Context) ([]resolve.Result, error) {
		defer clear()
		return resolve.Resolve(ctx, lookup, resolve.Options{Workers: a.workers, Timeout: a.timeout, Family: family, Progress: progress})
	})
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		results[i] = found[j]
	}
	return resultsDict(names, results), nil
}

// reverseTargets expands the targets of reverse() as scan() reads them:
// a target spec string ("10.0.0.1", "10.0.0.1-20", "10.0.0.0/24",
// "10.0.0.1-10.0.1.5", nmap's octet patterns, several separated by
// commas or spaces) or a list of them, at most resolve.MaxReverse
// addresses. Host names are refused: they have no address to look up
// until resolved.
func reverseTargets(b *starlark.Builtin, v starlark.Value) ([]netip.Addr, error) {
	var spec targetArg
	if err := spec.Unpack(v); err != nil {
		msg := err.Error()
		if pe, ok := pyerr.As(err); ok {
			msg = pe.Str()
		}
		return nil, pyerr.Errorf("TypeError", "%s: for parameter targets: %s", b.Name(), msg)
	}
	if strings.TrimSpace(spec.spec) == "" {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter targets: no address given", b.Name())
	}
	// Ranges, not addresses, come back: a large limit costs nothing, and
	// the count is checked below with reverse's own message.
	targets, err := scan.ParseTargets(spec.spec, math.MaxInt)
	if err != nil {
		return nil, pyerr.Errorf("ValueError", "%s: for parameter targets: %v", b.Name(), err)
	}
	var total uint64
	for _, t := range targets {
		if t.Name != "" {
			return nil, pyerr.Errorf("ValueError", "%s: for parameter targets: %q is not an IP address or range (reverse looks up addresses; resolve names first)", b.Name(), t.Spec)
		}
		total += t.Len()
		if total > resolve.MaxReverse {
			return nil, pyerr.Errorf("ValueError", "%s: %s has more than %d addresses", b.Name(), spec.spec, resolve.MaxReverse)
		}
	}
	out := make([]netip.Addr, 0, total)
	for _, t := range targets {
		t.Addrs(func(a netip.Addr) bool {
			out = append(out, a.Unmap())
			return true
		})
	}
	return out, nil
}

func reverseFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	targets, a, err := unpackBulk(b, args, kwargs, false)
	if err != nil {
		return nil, err
	}
	addrs, err := reverseTargets(b, targets)
	if err != nil {
		return nil, err
	}
	progress, clear := resolve.ProgressTo(sessionProgress(thread), "reverse")
	results, err := blocking(thread, b, func(ctx context.Context) ([]resolve.Result, error) {
		defer clear()
		return resolve.Reverse(ctx, addrs, resolve.Options{Workers: a.workers, Timeout: a.timeout, Progress: progress})
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(addrs))
	for i, a := range addrs {
		keys[i] = a.String()
	}
	return resultsDict(keys, results), nil
}
