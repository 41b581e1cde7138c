// Package standard imports netstar's standard modules for their side
// effect of registering themselves, like Caddy's modules/standard.
// Adding a module to netstar is a package plus one line here.
package standard

import (
	// The builtins (help, catch, input...) register as globals.
	_ "github.com/netstar/netstar/builtins"
	_ "github.com/netstar/netstar/modules/errno"
	_ "github.com/netstar/netstar/modules/http"
	_ "github.com/netstar/netstar/modules/json"
	_ "github.com/netstar/netstar/modules/math"
	_ "github.com/netstar/netstar/modules/optparse"
	_ "github.com/netstar/netstar/modules/socket"
	_ "github.com/netstar/netstar/modules/sys"
	_ "github.com/netstar/netstar/modules/threading"
	_ "github.com/netstar/netstar/modules/time"
)
