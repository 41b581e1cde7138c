package pyclass

import (
	"strings"
	"testing"

	"go.starlark.net/starlark"
)

func TestClassesAndExceptions(t *testing.T) {
	env := Builtins()
	env["str"] = starlark.Universe["str"]
	env["repr"] = starlark.Universe["repr"]
	src := `
def body():
    def __init__(self, port):
        __ns_super__(PortError, self).__init__(port, "closed")
        self.port = port
    return {"__init__": __init__}
PortError = __ns_class__("PortError", "OSError", body())
e = PortError(22)
Plain = __ns_class__("Plain", None, {})
p = Plain()
p.x = 1
results = [
    e.port, e.args, str(e),
    __ns_isinstance__(e, PortError), __ns_isinstance__(e, "OSError"), __ns_isinstance__(e, "ValueError"),
    __ns_isinstance__(3, int), __ns_isinstance__(True, (str, int)), __ns_issubclass__(PortError, "Exception"),
    p.x, type(p), str(PortError),
]
`
	thread := &starlark.Thread{Name: "test"}
	globals, err := starlark.ExecFile(thread, "t.star", src, env)
	if err != nil {
		t.Fatal(err)
	}
	got := globals["results"].String()
	want := `[22, (22, "closed"), "(22, 'closed')", True, True, False, True, True, True, 1, "Plain", "<class '__main__.PortError'>"]`
	if got != want {
		t.Errorf("results = %s\nwant      %s", got, want)
	}
	pe, err := Raise(thread, globals["e"])
	if err != nil {
		t.Fatal(err)
	}
	if !pe.IsA("OSError") || !pe.IsA("PortError") || pe.IsA("ValueError") || pe.Error() != "PortError: (22, 'closed')" {
		t.Errorf("Raise = %v (chain %v)", pe, pe.Chain)
	}
	if _, err := Raise(thread, globals["p"]); err == nil || !strings.Contains(err.Error(), "must derive from BaseException") {
		t.Errorf("Raise(non-exception) = %v", err)
	}
	if !strings.HasPrefix(globals["p"].(*Instance).PyRepr(), "<__main__.Plain object at 0x") {
		t.Errorf("repr = %s", globals["p"].(*Instance).PyRepr())
	}
}
