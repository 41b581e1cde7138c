package optparse_test

import (
	"fmt"
	"os"

	"github.com/netstar/netstar/repl/interp"
)

// parse_args reads the program's sys.argv; parser.usage is the usage
// string as given, as in Python.
func Example() {
	src := `
import optparse
parser = optparse.OptionParser('socket_portScan -H <Host> -P <Port>')
parser.add_option('-H', dest='host', type='string', help='specify host')
parser.add_option('-P', dest='port', type='int', help='specify port')
(options, args) = parser.parse_args()
print(options.host, options.port + 1, args)
print(parser.usage)
parser.print_help()
`
	s := interp.New(interp.Config{Stdout: os.Stdout, Argv: []string{"scan.star", "-H", "localhost", "-P", "79", "extra"}})
	defer s.Close()
	th := s.NewThread("main")
	s.Lock()
	defer s.Unlock()
	if _, err := s.ExecFile(th, "scan.star", []byte(src)); err != nil {
		fmt.Println(err)
	}
	// Output:
	// localhost 80 ['extra']
	// socket_portScan -H <Host> -P <Port>
	// Usage: socket_portScan -H <Host> -P <Port>
	//
	// Options:
	//   -h, --help  show this help message and exit
	//   -H HOST     specify host
	//   -P PORT     specify port
}
