package codec_test

import (
	"fmt"

	"github.com/netstar/netstar/builtins/codec"
	"github.com/netstar/netstar/builtins/pyfmt"
)

func ExampleEncodeErrors() {
	_, err := codec.EncodeErrors("str.encode", "año", "ascii", "strict")
	fmt.Println(err)
	b, _ := codec.EncodeErrors("str.encode", "año", "ascii", "replace")
	fmt.Println(pyfmt.Repr(b))
	// Output:
	// UnicodeEncodeError: 'ascii' codec can't encode character '\xf1' in position 1: ordinal not in range(128)
	// b'a?o'
}
