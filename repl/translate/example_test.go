package translate_test

import (
	"fmt"
	"strings"

	_ "github.com/netstar/netstar/modules/standard"
	"github.com/netstar/netstar/repl/translate"
)

func ExamplePython() {
	src := `import socket

def resolve(host):
    try:
        ip = socket.gethostbyname(host)
    except socket.gaierror as e:
        print(f"{host}: {e}")
        return None
    return ip
`
	r, err := translate.Python("resolve.py", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	// Skip the "translated from" header line.
	fmt.Print(r.Code[strings.Index(r.Code, "\n\n")+2:])
	fmt.Println(len(r.TODOs), "TODO")
	// Output:
	// import socket
	//
	// def resolve(host):
	//     def __ns_try_4():
	//         ip = socket.gethostbyname(host)
	//         return ip
	//     ip, e = catch(__ns_try_4)
	//     if e and e.is_a("gaierror"):
	//         print("{}: {}".format(host, e))
	//         return None
	//     elif e:
	//         __ns_raise__(e)
	//     return ip
	// 0 TODO
}

func ExampleSuggest() {
	code, ok := translate.Suggest(`print(f"puerto {port} abierto")`)
	fmt.Println(ok)
	fmt.Print(code)
	// Output:
	// true
	// print("puerto {} abierto".format(port))
}
