package socket_test

import (
	"fmt"
	"net"
	"testing"
)

// recordsLab adds a zone with every record type to the lab fixture.
func recordsLab(t *testing.T) string {
	t.Helper()
	srv := labServer(t)
	srv.AddRR(
		"lab.test. 3600 IN SOA ns1.lab.test. admin.lab.test. 2026120601 7200 3600 1209600 300",
		"lab.test. 3600 IN NS ns1.lab.test.",
		"lab.test. 3600 IN MX 10 mail.lab.test.",
		"lab.test. 3600 IN MX 20 backup.lab.test.",
		`lab.test. 3600 IN TXT "v=spf1 -all"`,
		`dkim.lab.test. 3600 IN TXT "v=DKIM1; k=rsa; " "p=MIIB\"quoted\""`,
		"_ldap._tcp.lab.test. 3600 IN SRV 0 5 389 dc1.lab.test.",
		"mail.lab.test. 3600 IN A 10.0.0.25",
	)
	srv.AddPTR("10.0.0.2", "two.lab.test")
	srv.AddPTR("10.0.0.3", "three.lab.test")
	srv.AddPTR("10.0.1.1", "one.lab.test")
	srv.AddA("ns.lab.test", "127.0.0.1")
	srv.AllowTransfer("lab.test")
	return srv.Addr
}

func TestResolveRecordTypes(t *testing.T) {
	recordsLab(t)
	mustRun(t, "records.star", `
import socket
r = socket.resolve(["lab.test", "mail.lab.test", "nothing.lab.test", "broken.lab.test"], type="MX")
assert.eq(r["lab.test"], [(10, "mail.lab.test"), (20, "backup.lab.test")])
assert.eq(r["mail.lab.test"].errno, -5)
assert.eq(r["nothing.lab.test"].errno, -2)
assert.eq(r["broken.lab.test"].errno, -3)
assert.true(r["nothing.lab.test"].is_a(socket.gaierror))
assert.eq(socket.resolve(["lab.test"], type="mx"), {"lab.test": [(10, "mail.lab.test"), (20, "backup.lab.test")]})
assert.eq(socket.resolve(["lab.test", "dkim.lab.test"], type="TXT"), {"lab.test": ["v=spf1 -all"], "dkim.lab.test": ['v=DKIM1; k=rsa; p=MIIB"quoted"']})
assert.eq(socket.resolve(["lab.test"], type="NS")["lab.test"], ["ns1.lab.test"])
assert.eq(socket.resolve(["_ldap._tcp.lab.test"], type="SRV")["_ldap._tcp.lab.test"], [(0, 5, 389, "dc1.lab.test")])
assert.eq(socket.resolve(["web.lab.test"], type="CNAME")["web.lab.test"], ["www.lab.test"])
assert.eq(socket.resolve(["10.0.0.80", "80.0.0.10.in-addr.arpa"], type="PTR"), {"10.0.0.80": ["www.lab.test"], "80.0.0.10.in-addr.arpa": ["www.lab.test"]})
soa = socket.resolve(["lab.test"], type="SOA")["lab.test"][0]
assert.eq(soa, {"mname": "ns1.lab.test", "rname": "admin.lab.test", "serial": 2026120601, "refresh": 7200, "retry": 3600, "expire": 1209600, "minimum": 300})
# A and AAAA are the addresses, as family asks them.
assert.eq(socket.resolve(["www.lab.test"], type="A"), socket.resolve(["www.lab.test"]))
assert.eq(socket.resolve(["www.lab.test"], type="AAAA")["www.lab.test"], ["fd00::80"])
assert.eq(socket.resolve(["www.lab.test"], type="AAAA", family=socket.AF_INET6)["www.lab.test"], ["fd00::80"])
assert.eq(socket.resolve(["españa.lab.test"], type="MX")["españa.lab.test"].errno, -2)

assert.fails(lambda: socket.resolve(["lab.test"], type="HINFO"), r'ValueError: socket.resolve: for parameter type: unknown record type "HINFO" \(want one of A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT\)')
assert.fails(lambda: socket.resolve(["lab.test"], type=15), "TypeError: socket.resolve: for parameter type: got int, want str")
assert.fails(lambda: socket.resolve(["lab.test"], type="MX", family=socket.AF_INET), "ask different things")
assert.fails(lambda: socket.resolve(["lab.test"], type="A", family=socket.AF_INET6), "ask different things")
assert.fails(lambda: socket.resolve(["lab.test"], family="x"), "for parameter family: got string, want int")
`)
}

func TestReverseRanges(t *testing.T) {
	recordsLab(t)
	mustRun(t, "reverse.star", `
import socket
r = socket.reverse("10.0.0.1-3")
assert.eq(list(r.keys()), ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
assert.eq(r["10.0.0.2"], ["two.lab.test"])
assert.eq(r["10.0.0.1"].type, "herror")
assert.eq(list(socket.reverse("10.0.0.2-10.0.0.3").keys()), ["10.0.0.2", "10.0.0.3"])
assert.eq(list(socket.reverse(["10.0.0.2", "10.0.1.1"]).keys()), ["10.0.0.2", "10.0.1.1"])
assert.eq(socket.reverse(["10.0.0.2-3", "10.0.1.1/32"]), {"10.0.0.2": ["two.lab.test"], "10.0.0.3": ["three.lab.test"], "10.0.1.1": ["one.lab.test"]})
assert.eq(list(socket.reverse("10.0.0.2,3 10.0.1.1").keys()), ["10.0.0.2", "10.0.0.3", "10.0.1.1"])
assert.eq(list(socket.reverse("10.0.0-1.1").keys()), ["10.0.0.1", "10.0.1.1"])
assert.eq(len(socket.reverse("10.0.0.0/30")), 4)
assert.eq(socket.reverse("10.0.0.80")["10.0.0.80"], ["www.lab.test"])

assert.fails(lambda: socket.reverse("10.0.0.0/8"), "more than 65536 addresses")
assert.fails(lambda: socket.reverse(["10.0.0.0/16", "10.1.0.1"]), "more than 65536 addresses")
assert.fails(lambda: socket.reverse("www.lab.test"), "not an IP address or range")
assert.fails(lambda: socket.reverse("10.0.0.300"), "ValueError: socket.reverse: for parameter targets")
assert.fails(lambda: socket.reverse(""), "no address given")
assert.fails(lambda: socket.reverse([1]), "TypeError: socket.reverse: for parameter targets: got int in list")
assert.fails(lambda: socket.reverse(5), "TypeError: socket.reverse: for parameter targets")
`)
}

func TestAxfr(t *testing.T) {
	addr := recordsLab(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	_, port, _ := net.SplitHostPort(addr)
	mustRun(t, "axfr.star", fmt.Sprintf(`
import socket
z = socket.axfr("lab.test", %[1]q)
assert.eq(z[0], ("lab.test", 3600, "SOA", {"mname": "ns1.lab.test", "rname": "admin.lab.test", "serial": 2026120601, "refresh": 7200, "retry": 3600, "expire": 1209600, "minimum": 300}))
assert.true(("lab.test", 3600, "MX", (10, "mail.lab.test")) in z)
assert.true(("_ldap._tcp.lab.test", 3600, "SRV", (0, 5, 389, "dc1.lab.test")) in z)
assert.true(("lab.test", 3600, "TXT", "v=spf1 -all") in z)
assert.true(("www.lab.test", 60, "A", "10.0.0.80") in z)
assert.true(("www.lab.test", 60, "AAAA", "fd00::80") in z)
assert.true(("web.lab.test", 60, "CNAME", "www.lab.test") in z)
assert.eq(len([r for r in z if r[2] == "SOA"]), 1)
assert.eq(len([r for r in z if not r[0].endswith("lab.test")]), 0)
# The server as a name the resolver knows, and with a trailing dot.
assert.eq(socket.axfr("lab.test.", "ns.lab.test:%[3]s"), z)

assert.fails(lambda: socket.axfr("other.test", %[1]q), r"dns.xfr.TransferError: Zone transfer error: REFUSED \(%[1]s does not transfer other.test\)")
err = catch(socket.axfr, "other.test", %[1]q)[1]
assert.eq(err.type, "TransferError")
assert.fails(lambda: socket.axfr("lab.test", %[2]q), r"ConnectionRefusedError: \[Errno 111\] Connection refused")
assert.fails(lambda: socket.axfr("lab.test", "nothing.lab.test"), r"socket.gaierror: \[Errno -2\]")
assert.fails(lambda: socket.axfr("bad..zone", %[1]q), "ValueError: socket.axfr: for parameter zone: invalid zone name")
assert.fails(lambda: socket.axfr("lab.test", "127.0.0.1:99999"), "ValueError: socket.axfr: for parameter server")
assert.fails(lambda: socket.axfr("lab.test", %[1]q, timeout=-1), "timeout")
assert.fails(lambda: socket.axfr("lab.test"), "missing argument for server")
`, addr, closedAddr, port))
}
