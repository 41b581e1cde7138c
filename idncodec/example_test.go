package idncodec_test

import (
	"fmt"

	"github.com/netstar/netstar/idncodec"
)

func ExampleEncode() {
	for _, name := range []string{"españa.es", "Straße.de", "www.example.com"} {
		ascii, err := idncodec.Encode(name)
		fmt.Println(ascii, err)
	}
	// Output:
	// xn--espaa-rta.es <nil>
	// strasse.de <nil>
	// www.example.com <nil>
}

func ExampleDecode() {
	name, _ := idncodec.Decode("xn--bcher-kva.example")
	fmt.Println(name)
	// Output: bücher.example
}
