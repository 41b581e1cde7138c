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

// Example_transfer serves a zone for AXFR and reads it back over TCP.
func Example_transfer() {
	srv := dnstest.NewServer()
	defer srv.Close()
	srv.AddRR(
		"lab.test. 3600 IN SOA ns1.lab.test. admin.lab.test. 1 7200 3600 1209600 300",
		"lab.test. 3600 IN MX 10 mail.lab.test.",
	)
	srv.AddA("mail.lab.test", "10.0.0.25")
	srv.AllowTransfer("lab.test")

	m := new(dns.Msg)
	m.SetAxfr("lab.test.")
	ch, err := new(dns.Transfer).In(m, srv.Addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	for env := range ch {
		if env.Error != nil {
			fmt.Println(env.Error)
			return
		}
		for _, rr := range env.RR {
			fmt.Println(rr.Header().Name, dns.TypeToString[rr.Header().Rrtype])
		}
	}
	// Output:
	// lab.test. SOA
	// lab.test. MX
	// mail.lab.test. A
	// lab.test. SOA
}
