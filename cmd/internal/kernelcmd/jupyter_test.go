package kernelcmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKernelTests runs jupyter_kernel_test's KernelTests (Debian's
// python3-jupyter-kernel-test) against the netstar kernel: kernel_info,
// stdout, stderr, completion, is_complete, error, execute_result and
// inspect, every message validated against the protocol's schemas.
func TestKernelTests(t *testing.T) {
	needJupyter(t, "jupyter_kernel_test")
	je := newJupyterEnv(t)
	script, err := filepath.Abs("testdata/kernel_test.py")
	if err != nil {
		t.Fatal(err)
	}
	out, err := je.python(t, script)
	if err != nil {
		t.Fatalf("KernelTests failed: %v\n%s", err, out)
	}
	for _, test := range []string{"test_kernel_info", "test_execute_stdout", "test_execute_stderr", "test_completion", "test_is_complete", "test_error", "test_execute_result", "test_inspect"} {
		if !strings.Contains(out, test+" (__main__.NetstarKernelTests."+test+") ... ok") {
			t.Errorf("%s did not pass:\n%s", test, out)
		}
	}
}

// TestKernelspecList checks that `jupyter kernelspec list` shows the
// kernelspec `netstar kernel install` writes, and that uninstall removes it.
func TestKernelspecList(t *testing.T) {
	needJupyter(t)
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		env     []string
		dataDir string
	}{
		{"user", []string{"--user"}, []string{"JUPYTER_DATA_DIR=" + filepath.Join(dir, "user")}, filepath.Join(dir, "user")},
		{"default is user", nil, []string{"JUPYTER_DATA_DIR=" + filepath.Join(dir, "default")}, filepath.Join(dir, "default")},
		{"prefix", []string{"--prefix", filepath.Join(dir, "prefix")}, nil, filepath.Join(dir, "prefix", "share", "jupyter")},
		{"sys-prefix", []string{"--sys-prefix", "--name", "ns-venv"}, []string{"VIRTUAL_ENV=" + filepath.Join(dir, "venv")}, filepath.Join(dir, "venv", "share", "jupyter")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"JUPYTER_DATA_DIR", "XDG_DATA_HOME", "VIRTUAL_ENV", "CONDA_PREFIX"} {
				t.Setenv(k, "")
			}
			for _, kv := range tt.env {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			name := "netstar"
			for i, a := range tt.args {
				if a == "--name" {
					name = tt.args[i+1]
				}
			}
			var out, errb strings.Builder
			if st := Main(append([]string{"install"}, tt.args...), nil, &out, &errb); st != 0 {
				t.Fatalf("install: status %d: %s", st, errb.String())
			}
			je := &jupyterEnv{dir: dir, env: append(filteredEnv(), "JUPYTER_PATH="+tt.dataDir, "JUPYTER_DATA_DIR="+filepath.Join(dir, "empty"), "HOME="+dir)}
			list, err := je.python(t, "-m", "jupyter", "kernelspec", "list")
			if err != nil {
				t.Fatalf("jupyter kernelspec list: %v\n%s", err, list)
			}
			want := filepath.Join(tt.dataDir, "kernels", name)
			if !strings.Contains(list, name+" ") || !strings.Contains(list, want) {
				t.Fatalf("jupyter kernelspec list does not show %s in %s:\n%s", name, want, list)
			}
			spec, err := je.python(t, "-c", `import json,jupyter_client.kernelspec as k; s=k.KernelSpecManager().get_kernel_spec("`+name+`"); print(json.dumps([s.argv[1:], s.language, s.interrupt_mode, s.display_name]))`)
			if err != nil {
				t.Fatalf("reading the spec: %v\n%s", err, spec)
			}
			if !strings.Contains(spec, `[["kernel", "-f", "{connection_file}"], "python", "signal", "netstar"]`) {
				t.Errorf("spec = %s", spec)
			}
			for _, logo := range []string{"logo-32x32.png", "logo-64x64.png"} {
				if _, err := os.Stat(filepath.Join(want, logo)); err != nil {
					t.Errorf("no logo: %v", err)
				}
			}
			out.Reset()
			if st := Main(append([]string{"uninstall"}, tt.args...), nil, &out, &errb); st != 0 {
				t.Fatalf("uninstall: status %d: %s", st, errb.String())
			}
			if list, _ := je.python(t, "-m", "jupyter", "kernelspec", "list"); strings.Contains(list, want) {
				t.Errorf("still listed after uninstall:\n%s", list)
			}
		})
	}
}

// TestProtocol drives the kernel through jupyter_client's KernelManager
// (testdata/protocol_test.py): interrupt by SIGINT (interrupt_kernel) of a
// `while True:` cell and by interrupt_request on control, both keeping
// the variables; kernel_info on control; a message with a wrong HMAC
// ignored and logged to stderr; input() with and without stdin;
// table() as text/html; Python's exception names; a translated try/except
// with an f-string; user_expressions.
func TestProtocol(t *testing.T) {
	needJupyter(t)
	je := newJupyterEnv(t)
	script, err := filepath.Abs("testdata/protocol_test.py")
	if err != nil {
		t.Fatal(err)
	}
	stderr := filepath.Join(je.dir, "kernel-stderr.txt")
	je.env = append(je.env, "KERNEL_STDERR="+stderr)
	out, err := je.python(t, script)
	if err != nil {
		log, _ := os.ReadFile(stderr)
		t.Fatalf("protocol tests failed: %v\n%s\nkernel stderr:\n%s", err, out, log)
	}
	if !strings.Contains(out, "Ran 11 tests") {
		t.Errorf("not every test ran:\n%s", out)
	}
}

// TestJupyterRun: `jupyter run --kernel netstar FILE`, jupyter_client's
// console-like front-end, passes FILE to the kernel as an argument and
// sends its code; the kernel runs it in one session: a background
// serve_http started by one statement answers the next, and a scan runs.
func TestJupyterRun(t *testing.T) {
	needJupyter(t)
	je := newJupyterEnv(t)
	script := filepath.Join(je.dir, "run.py")
	code := "import socket, http\n" +
		"srv = socket.serve_http(port=0, handler=lambda req: 'hola ' + req.path, background=True)\n" +
		"print(http.get(srv.url + 'mundo').text)\n" +
		"srv.stop()\n" +
		"r = socket.scan('127.0.0.1', ports=[srv.port], reverse=False)\n" +
		"print(r.closed == [srv.port])\n"
	if err := os.WriteFile(script, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := je.python(t, "-m", "jupyter", "run", "--kernel=netstar", script)
	if err != nil {
		t.Fatalf("jupyter run: %v\n%s", err, out)
	}
	for _, want := range []string{"hola /mundo\n", "True\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("jupyter run output lacks %q:\n%s", want, out)
		}
	}
}

// TestJupyterConsole: `jupyter console --kernel netstar`, typed into:
// the banner, a Python f-string translated and run, a last expression as
// Out[N].
func TestJupyterConsole(t *testing.T) {
	needJupyter(t, "jupyter_console")
	je := newJupyterEnv(t)
	cmd := exec.Command(python, "-m", "jupyter", "console", "--kernel", "netstar", "--simple-prompt")
	cmd.Env, cmd.Dir = je.env, je.dir
	cmd.Stdin = strings.NewReader("x = 6*7\nprint(f\"x={x}\")\nx + 1\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("jupyter console: %v\n%s", err, out)
	}
	for _, want := range []string{"Starlark with Python's socket API", "x=42\n", "Out[3]: 43"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("jupyter console output lacks %q:\n%s", want, out)
		}
	}
}
