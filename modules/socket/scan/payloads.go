package scan

import "encoding/hex"

// udpPayloads are the datagrams a UDP probe sends to well-known ports, so
// that the service answers (an empty datagram gets no reply from most of
// them, and the port would be open|filtered). Written for netstar from
// the protocols' RFCs; nmap's nmap-payloads is not copied (its licence
// forbids it).
var udpPayloads = map[int][]byte{
	// DNS (RFC 1035): a status query with no question, which servers
	// answer (NOTIMP or an empty reply) without a lookup.
	53: mustHex("000010000000000000000000"),
	// NTP (RFC 5905): a version 4 client request, 48 bytes.
	123: append(mustHex("e30004fa000100000001000000000000"), make([]byte, 32)...),
	// NetBIOS name service (RFC 1002): a node status request for "*".
	137: mustHex("80f00010000100000000000020434b4141414141414141414141414141414141414141414141414141414141410000210001"),
	// SNMP v1 (RFC 1157): get-request of sysDescr.0, community "public".
	161: mustHex("302902010004067075626c6963a01c020400000001020100020100300e300c06082b060102010101000500"),
	// SSDP (UPnP): an M-SEARCH for every device.
	1900: []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"),
	// mDNS (RFC 6762): a unicast-response query for the DNS-SD services.
	5353: mustHex("000000000001000000000000095f7365727669636573075f646e732d7364045f756470056c6f63616c00000c8001"),
}

// Payload returns the datagram a UDP scan sends to port: the protocol
// payload for DNS, NTP, NetBIOS-NS, SNMP, SSDP and mDNS, else an empty
// datagram.
func Payload(port int) []byte { return udpPayloads[port] }

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
