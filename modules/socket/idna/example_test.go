package idna_test

import (
	"fmt"

	"github.com/netstar/netstar/modules/socket/idna"
)

func ExampleEncode() {
	for _, name := range []string{"españa.es", "Straße.de", "www.example.com"} {
		ascii, err := idna.Encode(name)
		fmt.Println(ascii, err)
	}
	// Output:
	// xn--espaa-rta.es <nil>
	// strasse.de <nil>
	// www.example.com <nil>
}

func ExampleDecode() {
	name, _ := idna.Decode("xn--bcher-kva.example")
	fmt.Println(name)
	// Output: bücher.example
}
