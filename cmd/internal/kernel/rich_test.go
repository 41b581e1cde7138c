package kernel

import (
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/pyerr"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// TestLookupHTML: what socket.resolve and socket.reverse return is sent
// as an HTML table too, names escaped; other dicts stay text.
func TestLookupHTML(t *testing.T) {
	d := starlark.NewDict(3)
	d.SetKey(starlark.String("a.lab.test"), starlark.NewList([]starlark.Value{starlark.String("127.0.0.1"), starlark.String("127.0.0.2")}))
	d.SetKey(starlark.String("<script>x</script>"), interp.NewException(pyerr.WithErrno("gaierror", -2, "Name or service not known")))
	d.SetKey(starlark.String("mx.lab.test"), starlark.NewList([]starlark.Value{starlark.Tuple{starlark.MakeInt(10), starlark.String("mail.lab.test")}}))
	h, ok := htmlOf(d)
	if !ok {
		t.Fatal("a resolve result has no HTML")
	}
	for _, want := range []string{
		"<th>NAME</th><th>ANSWER</th>",
		"<td>a.lab.test</td><td>127.0.0.1, 127.0.0.2</td>",
		"<td>&lt;script&gt;x&lt;/script&gt;</td><td>gaierror(-2, &#39;Name or service not known&#39;)</td>",
		"<td>mx.lab.test</td><td>(10, &#39;mail.lab.test&#39;)</td>",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %s:\n%s", want, h)
		}
	}
	other := starlark.NewDict(1)
	other.SetKey(starlark.String("n"), starlark.MakeInt(1))
	if _, ok := htmlOf(other); ok {
		t.Error("a dict of ints got an HTML table")
	}
}
