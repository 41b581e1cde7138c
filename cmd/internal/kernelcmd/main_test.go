package kernelcmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary be netstar: kernel.json's argv starts it
// as `BINARY kernel -f CONN` with NETSTAR_KERNELCMD_MAIN set, so Jupyter
// starts the kernel under test without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("NETSTAR_KERNELCMD_MAIN") == "1" && len(os.Args) > 1 && os.Args[1] == "kernel" {
		os.Exit(Main(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// python is Debian's interpreter, where the Jupyter packages live (the
// machine's python3 may be another one).
const python = "/usr/bin/python3"

// needJupyter skips t unless Debian's Jupyter packages are installed.
func needJupyter(t testing.TB, modules ...string) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skip("needs /usr/bin/python3 (Debian package python3)")
	}
	pkgs := map[string]string{
		"jupyter_client":      "jupyter-client (python3-jupyter-client)",
		"jupyter_core":        "jupyter-core (python3-jupyter-core)",
		"nbclient":            "python3-nbclient",
		"nbconvert":           "jupyter-nbconvert (python3-nbconvert)",
		"jupyter_kernel_test": "python3-jupyter-kernel-test",
		"ipykernel":           "python3-ipykernel",
		"jupyter_console":     "jupyter-console",
	}
	for _, m := range append([]string{"jupyter_client", "jupyter_core"}, modules...) {
		if err := exec.Command(python, "-c", "import "+m).Run(); err != nil {
			t.Skipf("needs the Debian package %s (python module %s)", pkgs[m], m)
		}
	}
}

// jupyterEnv is a hermetic Jupyter environment: temporary data, config
// and runtime directories with netstar's kernelspec installed (this test
// binary as netstar) and ipykernel's python3 kernelspec for reference.
type jupyterEnv struct {
	dir string
	env []string
}

func newJupyterEnv(t testing.TB) *jupyterEnv {
	t.Helper()
	dir := t.TempDir()
	je := &jupyterEnv{dir: dir}
	data := filepath.Join(dir, "data")
	je.env = append(filteredEnv(),
		"JUPYTER_PATH="+data,
		"JUPYTER_DATA_DIR="+data,
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"JUPYTER_PLATFORM_DIRS=0",
		"IPYTHONDIR="+filepath.Join(dir, "ipython"),
		"HOME="+dir,
		"NETSTAR_KERNELCMD_MAIN=1",
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
		"LC_ALL=C.UTF-8",
	)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := installSpec(data, exe); err != nil {
		t.Fatal(err)
	}
	return je
}

// filteredEnv is the environment without Jupyter's and Python's
// variables that would point outside the test.
func filteredEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "JUPYTER") || strings.HasPrefix(k, "PYTHON") || k == "IPYTHONDIR" || k == "HOME" || strings.HasPrefix(k, "LC_") || k == "LANG" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// run runs /usr/bin/python3 with args in the environment.
func (je *jupyterEnv) python(t testing.TB, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(python, args...)
	cmd.Env = je.env
	cmd.Dir = je.dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}
