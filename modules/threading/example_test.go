package threading_test

import (
	"context"
	"fmt"
	"os"

	_ "github.com/netstar/netstar/modules/optparse"
	"github.com/netstar/netstar/repl/interp"
)

// The course's domain scanner, with the connection replaced by a
// computation: options from optparse, one thread per port, a Lock around
// the shared result, and the program waiting for its threads.
func Example() {
	src := `
import optparse
from threading import *

results = {}
lock = Lock()

def socketScan(host, port):
    lock.acquire()
    results[port] = "open" if port % 2 == 0 else "closed"
    lock.release()

def main():
    parser = optparse.OptionParser('socket_portScan ' + '-H <Host> -P <Port>')
    parser.add_option('-H', dest='host', type='string', help='specify host')
    parser.add_option('-P', dest='port', type='string', help='specify port[s] separated by comma')
    (options, args) = parser.parse_args()
    threads = []
    for port in str(options.port).split(','):
        t = Thread(target=socketScan, args=(options.host, int(port)))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    for port in sorted(results):
        print('[+] %d/tcp %s' % (port, results[port]))

main()
`
	s := interp.New(interp.Config{Stdout: os.Stdout, Argv: []string{"socket_portScan.star", "-H", "localhost", "-P", "80,21,22,23"}})
	defer s.Close()
	th := s.NewThread("main")
	s.Lock()
	_, err := s.ExecFile(th, "socket_portScan.star", []byte(src))
	s.Unlock()
	if err != nil {
		fmt.Println(err)
	}
	s.Wait(context.Background())
	// Output:
	// [+] 21/tcp closed
	// [+] 22/tcp open
	// [+] 23/tcp closed
	// [+] 80/tcp open
}
