// Package servecmd is `netstar serve`: the one-line static file server
// that replaces `python3 -m http.server`, with its arguments, its
// defaults and its log, on netstar's hardened server (modules/http/
// httpserve: nothing outside the directory, no dotfiles unless asked,
// FIFOs and devices refused, bounded listings, escaped logs).
package servecmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/netstar/netstar/modules/http/httpserve"
)

// DefaultPort is python's http.server default.
const DefaultPort = 8000

const usage = `usage: netstar serve [PORT] [DIR] [--bind ADDR] [--directory DIR] [--dotfiles]

Serves DIR (default: the current directory) over HTTP on PORT (default 8000),
as python3 -m http.server does: directory listings, index.html, the same
log lines on stderr. Like python it binds every address (:: and 0.0.0.0),
so other machines can fetch the files, which is what serving a payload to
a target needs; --bind 127.0.0.1 keeps it to this machine. Unlike python,
names that start with "." (.git, .env) are hidden unless --dotfiles, and
nothing outside DIR is served, symlinks included. Ctrl-C stops it.
`

// Main runs `netstar serve ARGS...` and returns its exit status: 0 after
// Ctrl-C or SIGTERM, 1 if the server fails, 2 for bad arguments.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	return run(sigs, args, stdout, stderr)
}

// config is the checked command line.
type config struct {
	addr     string
	dir      string
	dotfiles bool
}

func parse(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("netstar serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		io.WriteString(stderr, usage)
		fs.PrintDefaults()
	}
	bind := fs.String("bind", "", "listen on `ADDR` only (python's --bind); default: every address")
	fs.StringVar(bind, "b", "", "short for --bind")
	directory := fs.String("directory", "", "serve `DIR` (python's --directory)")
	fs.StringVar(directory, "d", "", "short for --directory")
	dotfiles := fs.Bool("dotfiles", false, "also serve and list names that start with \".\"")
	var positional []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		rest = rest[1:]
	}
	c := &config{dir: ".", dotfiles: *dotfiles}
	port := DefaultPort
	if len(positional) > 2 {
		return nil, fmt.Errorf("netstar serve: want [PORT] [DIR], got %d arguments", len(positional))
	}
	if len(positional) > 0 {
		n, err := strconv.Atoi(positional[0])
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("netstar serve: port %q: want a number from 0 to 65535 (0: any free port)", positional[0])
		}
		port = n
	}
	if len(positional) > 1 {
		c.dir = positional[1]
	}
	if *directory != "" {
		if len(positional) > 1 {
			return nil, fmt.Errorf("netstar serve: --directory %s and DIR %s: give one", *directory, positional[1])
		}
		c.dir = *directory
	}
	if st, err := os.Stat(c.dir); err != nil {
		return nil, fmt.Errorf("netstar serve: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("netstar serve: %s is not a directory", c.dir)
	}
	if *bind != "" && net.ParseIP(*bind) == nil && *bind != "localhost" {
		return nil, fmt.Errorf("netstar serve: --bind %q: want an IP address (or localhost); names are not looked up", *bind)
	}
	c.addr = net.JoinHostPort(*bind, strconv.Itoa(port))
	return c, nil
}

// run serves until a signal arrives on sigs: SIGINT says python's
// "Keyboard interrupt received, exiting."; SIGTERM stops quietly, as
// python does. Requests in flight get a second to finish.
func run(sigs <-chan os.Signal, args []string, stdout, stderr io.Writer) int {
	c, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	srv, err := httpserve.Listen(httpserve.Config{Addr: c.addr, Dir: c.dir, Dotfiles: c.dotfiles, Log: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "netstar serve: %v\n", err)
		return 1
	}
	srv.Start()
	host := "::" // every address, IPv6 and IPv4, as python 3.8+ binds
	if h, _, _ := net.SplitHostPort(c.addr); h != "" {
		host = h
		if h == "localhost" {
			host = "127.0.0.1"
		}
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(srv.Port())) + "/"
	fmt.Fprintf(stdout, "Serving HTTP on %s port %d (%s) ...\n", host, srv.Port(), url)
	select {
	case sig := <-sigs:
		if sig == os.Interrupt {
			io.WriteString(stdout, "\nKeyboard interrupt received, exiting.\n")
		}
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close() // a download still running: cut it
		}
		return 0
	case <-srv.Done():
		if err := srv.Err(); err != nil {
			fmt.Fprintf(stderr, "netstar serve: %v\n", err)
			return 1
		}
		return 0
	}
}
