// Package kernelcmd is `netstar kernel`: it installs and removes netstar's
// Jupyter kernelspec and runs the kernel (cmd/internal/kernel) that Jupyter
// starts with a connection file.
//
//	netstar kernel install [--user|--sys-prefix|--prefix DIR] [--name NAME] [--display-name TEXT]
//	netstar kernel uninstall [--user|--sys-prefix|--prefix DIR] [--name NAME]
//	netstar kernel -f CONNECTION_FILE
package kernelcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/netstar/netstar/cmd/internal/kernel"
	_ "github.com/netstar/netstar/modules/standard" // the modules every cell sees
)

const usage = `usage: netstar kernel -f CONNECTION_FILE
       netstar kernel install [--user|--sys-prefix|--prefix DIR] [--name NAME] [--display-name TEXT]
       netstar kernel uninstall [--user|--sys-prefix|--prefix DIR] [--name NAME]

install writes a Jupyter kernelspec that runs this netstar binary: in
your user's Jupyter data directory by default ($JUPYTER_DATA_DIR, else
~/.local/share/jupyter), with --sys-prefix in the active environment's
share/jupyter, with --prefix DIR in DIR/share/jupyter. Then pick the
"netstar" kernel in Jupyter, or run: jupyter console --kernel netstar
`

// Main runs `netstar kernel` with args (after "kernel") and returns the
// exit status: 0, 1 for a failure, 2 for bad usage or a bad connection
// file.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "install":
			return install(args[1:], stdout, stderr, false)
		case "uninstall":
			return install(args[1:], stdout, stderr, true)
		case "-h", "--help", "help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	fs := flag.NewFlagSet("netstar kernel", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	conn := fs.String("f", "", "connection file")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "netstar kernel: %v\n%s", err, usage)
		return 2
	}
	if *conn == "" {
		fmt.Fprint(stderr, usage)
		return 2
	}
	// `jupyter run --kernel netstar FILE` passes FILE to the kernel too,
	// then sends its code as cells; like ipykernel, the kernel does not
	// run the arguments itself.
	ci, err := kernel.ReadConnectionFile(*conn)
	if err != nil {
		fmt.Fprintf(stderr, "netstar kernel: %v\n", err)
		return 2
	}
	if err := kernel.Run(context.Background(), kernel.Config{Conn: ci, Log: stderr, Signals: true}); err != nil {
		fmt.Fprintf(stderr, "netstar kernel: %v\n", err)
		return 1
	}
	return 0
}

func install(args []string, stdout, stderr io.Writer, remove bool) int {
	verb := "install"
	if remove {
		verb = "uninstall"
	}
	fs := flag.NewFlagSet("netstar kernel "+verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	user := fs.Bool("user", false, "the user's Jupyter data directory (the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "the active environment's share/jupyter")
	prefix := fs.String("prefix", "", "DIR/share/jupyter")
	name := fs.String("name", "netstar", "kernelspec name")
	display := fs.String("display-name", "netstar", "name shown in Jupyter's kernel list")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "netstar kernel %s: %v\n%s", verb, err, usage)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "netstar kernel %s: unexpected argument %q\n%s", verb, fs.Arg(0), usage)
		return 2
	}
	chosen := 0
	for _, b := range []bool{*user, *sysPrefix, *prefix != ""} {
		if b {
			chosen++
		}
	}
	if chosen > 1 {
		fmt.Fprintf(stderr, "netstar kernel %s: --user, --sys-prefix and --prefix exclude each other\n", verb)
		return 2
	}
	if !kernel.ValidName(*name) {
		fmt.Fprintf(stderr, "netstar kernel %s: --name %q: use only letters, digits, '.', '_' and '-'\n", verb, *name)
		return 2
	}
	var dataDir string
	var err error
	switch {
	case *prefix != "":
		dataDir = filepath.Join(*prefix, "share", "jupyter")
	case *sysPrefix:
		dataDir, err = sysPrefixDataDir()
	default:
		dataDir, err = userDataDir()
	}
	if err != nil {
		fmt.Fprintf(stderr, "netstar kernel %s: %v\n", verb, err)
		return 1
	}
	if remove {
		dir, err := kernel.Uninstall(dataDir, *name)
		if err != nil {
			fmt.Fprintf(stderr, "netstar kernel uninstall: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "Removed %s\n", dir)
		return 0
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		fmt.Fprintf(stderr, "netstar kernel install: finding this netstar binary: %v\n", err)
		return 1
	}
	dir, err := kernel.Install(dataDir, *name, kernel.NewSpec(exe, *display))
	if err != nil {
		fmt.Fprintf(stderr, "netstar kernel install: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", *name, dir)
	return 0
}

// userDataDir is jupyter_core's user data directory on Linux.
func userDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the Jupyter data directory: %w (set JUPYTER_DATA_DIR)", err)
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// sysPrefixDataDir is share/jupyter of the active environment: a
// virtualenv or conda environment if one is active, else the prefix of
// the jupyter command on PATH.
func sysPrefixDataDir() (string, error) {
	for _, v := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if d := os.Getenv(v); d != "" {
			return filepath.Join(d, "share", "jupyter"), nil
		}
	}
	j, err := exec.LookPath("jupyter")
	if err != nil {
		return "", errors.New("--sys-prefix: no active environment (VIRTUAL_ENV, CONDA_PREFIX) and no jupyter on PATH; use --prefix DIR")
	}
	if r, err := filepath.EvalSymlinks(j); err == nil {
		j = r
	}
	return filepath.Join(filepath.Dir(filepath.Dir(j)), "share", "jupyter"), nil
}
