package dnstest_test

import (
	"fmt"

	"github.com/miekg/dns"
	"github.com/netstar/netstar/modules/socket/dnstest"
)

func Example() {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddA("www.lab.test", "10.0.0.80")
	srv.AddCNAME("web.lab.test", "www.lab.test")

	m := new(dns.Msg)
	m.SetQuestion("web.lab.test.", dns.TypeA)
	in, err := dns.Exchange(m, srv.Addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rr := range in.Answer {
		fmt.Println(rr.Header().Name, dns.TypeToString[rr.Header().Rrtype])
	}
	m.SetQuestion("nothing.lab.test.", dns.TypeA)
	in, _ = dns.Exchange(m, srv.Addr)
	fmt.Println(dns.RcodeToString[in.Rcode])
	// Output:
	// web.lab.test. CNAME
	// www.lab.test. A
	// NXDOMAIN
}
