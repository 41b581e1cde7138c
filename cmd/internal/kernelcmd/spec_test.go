package kernelcmd

import (
	"github.com/netstar/netstar/cmd/internal/kernel"
)

// installSpec installs netstar's kernelspec for exe, and ipykernel's
// python3 one for reference, under data.
func installSpec(data, exe string) (string, error) {
	spec := kernel.NewSpec(exe, "netstar")
	dir, err := kernel.Install(data, "netstar", spec)
	if err != nil {
		return "", err
	}
	py := kernel.Spec{
		Argv:          []string{python, "-m", "ipykernel_launcher", "-f", "{connection_file}"},
		DisplayName:   "Python 3 (ipykernel)",
		Language:      "python",
		InterruptMode: "signal",
		Metadata:      map[string]any{"debugger": false},
	}
	if _, err := kernel.Install(data, "python3", py); err != nil {
		return "", err
	}
	return dir, nil
}
