package kernelcmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/dnstest"
)

// TestNotebookToolbox executes, with nbconvert under the netstar kernel,
// the cells ipykernel has no equivalent for: a name resolved by the lab's
// DNS server (the in-process one, through NETSTAR_RESOLVER), a background
// serve_http started in one cell and queried from the next, a scan of it,
// and srv.stop(). Each cell's stdout is checked.
func TestNotebookToolbox(t *testing.T) {
	needJupyter(t, "nbconvert", "nbclient")
	dns := dnstest.NewServer()
	defer dns.Close()
	dns.AddA("www.lab.test", "127.0.0.1")
	je := newJupyterEnv(t)
	je.env = append(je.env, "NETSTAR_RESOLVER="+dns.Addr)
	cells := []string{
		"import socket, http\nprint(socket.gethostbyname('www.lab.test'))",
		"srv = socket.serve_http(port=0, host='127.0.0.1', handler=lambda req: 'hola ' + req.path, background=True)",
		"print(http.get(srv.url + 'mundo').text)",
		"r = socket.scan('127.0.0.1', ports=[srv.port], reverse=False)\nprint(r.open == [srv.port])",
		"srv.stop()\nprint(srv.running)",
	}
	want := []string{"127.0.0.1\n", "", "hola /mundo\n", "True\n", "False\n"}
	var nb struct {
		Cells    []map[string]any `json:"cells"`
		Metadata map[string]any   `json:"metadata"`
		Format   int              `json:"nbformat"`
		Minor    int              `json:"nbformat_minor"`
	}
	nb.Metadata, nb.Format, nb.Minor = map[string]any{}, 4, 5
	for _, c := range cells {
		nb.Cells = append(nb.Cells, map[string]any{"cell_type": "code", "execution_count": nil, "metadata": map[string]any{}, "outputs": []any{}, "source": c})
	}
	data, _ := json.Marshal(nb)
	if err := os.WriteFile(filepath.Join(je.dir, "toolbox.ipynb"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := je.python(t, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name=netstar", "--ExecutePreprocessor.timeout=60",
		"toolbox.ipynb", "--output", "out.ipynb")
	if err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	got := readOutputs(t, filepath.Join(je.dir, "out.ipynb"))
	if len(got) != len(cells) {
		t.Fatalf("%d code cells ran, want %d", len(got), len(cells))
	}
	for i, c := range got {
		stdout := ""
		for _, o := range c.outputs {
			if o["output_type"] == "error" {
				t.Errorf("cell %d failed: %v", i+1, o)
			}
			if o["name"] == "stdout" {
				stdout += fmt.Sprint(o["text"])
			}
		}
		if stdout != want[i] {
			t.Errorf("cell %d (%s): stdout %q, want %q", i+1, strings.SplitN(cells[i], "\n", 2)[0], stdout, want[i])
		}
	}
	if dns.Asked("www.lab.test") == 0 {
		t.Error("the lab's DNS server was never asked: the kernel used another resolver")
	}
}
