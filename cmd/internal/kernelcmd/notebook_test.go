package kernelcmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestNotebookAsIPykernel executes testdata/sockets_course.ipynb (the
// course's socket methods on 127.0.0.1: bind/listen, gethostbyname of a
// literal address, connect_ex on a listener and on a closed port in a
// loop, try/except/finally, f-strings, accept/sendall/recv, a def) with
// `jupyter nbconvert --execute` under the netstar kernel and under
// ipykernel, and compares every code cell's outputs. No name is resolved,
// so nothing reaches a DNS server.
func TestNotebookAsIPykernel(t *testing.T) {
	needJupyter(t, "nbconvert", "nbclient", "ipykernel")
	je := newJupyterEnv(t)
	src, err := os.ReadFile("testdata/sockets_course.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(je.dir, "nb.ipynb"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	outputs := map[string][]cellOutputs{}
	for _, kernel := range []string{"netstar", "python3"} {
		out, err := je.python(t, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
			"--ExecutePreprocessor.kernel_name="+kernel, "--ExecutePreprocessor.timeout=60",
			"nb.ipynb", "--output", "out_"+kernel+".ipynb")
		if err != nil {
			t.Fatalf("nbconvert with %s: %v\n%s", kernel, err, out)
		}
		outputs[kernel] = readOutputs(t, filepath.Join(je.dir, "out_"+kernel+".ipynb"))
	}
	ns, py := outputs["netstar"], outputs["python3"]
	if len(ns) != len(py) {
		t.Fatalf("netstar ran %d code cells, ipykernel %d", len(ns), len(py))
	}
	for i := range ns {
		if !reflect.DeepEqual(ns[i], py[i]) {
			t.Errorf("cell %d:\n%s\nnetstar:  %+v\nipykernel: %+v", i+1, ns[i].source, ns[i].outputs, py[i].outputs)
		}
	}
}

// cellOutputs is a code cell's outputs, normalized: consecutive stream
// outputs of one name joined (kernels may split a stream anywhere).
type cellOutputs struct {
	source  string
	count   any
	outputs []map[string]any
}

func readOutputs(t *testing.T, path string) []cellOutputs {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType       string           `json:"cell_type"`
			Source         any              `json:"source"`
			ExecutionCount any              `json:"execution_count"`
			Outputs        []map[string]any `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	text := func(v any) string {
		switch v := v.(type) {
		case string:
			return v
		case []any:
			var sb strings.Builder
			for _, s := range v {
				sb.WriteString(s.(string))
			}
			return sb.String()
		}
		return ""
	}
	var cells []cellOutputs
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		co := cellOutputs{source: text(c.Source), count: c.ExecutionCount}
		for _, o := range c.Outputs {
			n := map[string]any{"output_type": o["output_type"]}
			switch o["output_type"] {
			case "stream":
				n["name"], n["text"] = o["name"], text(o["text"])
				if last := len(co.outputs) - 1; last >= 0 && co.outputs[last]["output_type"] == "stream" && co.outputs[last]["name"] == o["name"] {
					co.outputs[last]["text"] = co.outputs[last]["text"].(string) + n["text"].(string)
					continue
				}
			case "execute_result", "display_data":
				data, _ := o["data"].(map[string]any)
				n["text/plain"] = text(data["text/plain"])
				n["metadata"] = o["metadata"]
				n["execution_count"] = o["execution_count"]
			case "error":
				n["ename"], n["evalue"] = o["ename"], o["evalue"]
			}
			co.outputs = append(co.outputs, n)
		}
		cells = append(cells, co)
	}
	return cells
}
