package scancmd

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/netstar/netstar/modules/socket/scan"
)

// Record is one line of netstar scan's JSON Lines output: the outcome
// of probing one port of one host.
type Record struct {
	IP      string  `json:"ip"`
	Host    string  `json:"host,omitempty"` // the target's name, when given as a name
	Port    int     `json:"port"`
	Proto   string  `json:"proto"`  // "tcp"
	State   string  `json:"state"`  // open, closed, filtered
	Reason  string  `json:"reason"` // errno name, or syn-ack
	Service string  `json:"service,omitempty"`
	RTT     float64 `json:"rtt"` // seconds
	// Banner holds the bytes an open port sent first (--banner), not
	// necessarily UTF-8. In JSON, "banner" is their text, with each byte
	// that is not UTF-8 written as \xHH (Python's
	// errors="backslashreplace"); when there is such a byte, "banner_b64"
	// holds the bytes themselves (standard base64), and readers take it.
	Banner    string `json:"banner,omitempty"`
	BannerB64 string `json:"banner_b64,omitempty"`
	Shard     string `json:"shard,omitempty"` // "I/N", 0-based
	Seed      uint64 `json:"seed"`
	Time      string `json:"time"` // RFC 3339, UTC
}

// journalRecord is a Record in a checkpoint, with its walk position.
type journalRecord struct {
	Pos uint64 `json:"pos"`
	Record
}

// recordOf converts an engine record; shard is the shard's String and now
// the time, already formatted (both are the same for many records).
func recordOf(r scan.Record, shard string, seed uint64, now string) Record {
	return Record{
		IP:      r.IP.String(),
		Host:    r.Host,
		Port:    r.Port.Port,
		Proto:   "tcp",
		State:   r.State.String(),
		Reason:  r.Reason,
		Service: r.Service,
		RTT:     r.RTT.Seconds(),
		Banner:  r.Banner,
		Shard:   shard,
		Seed:    seed,
		Time:    now,
	}
}

// clock formats the current time for records, as RFC 3339 in UTC. It
// formats again at most once a millisecond: a scan writes up to hundreds
// of records in one.
type clock struct {
	last time.Time
	text string
}

func (c *clock) now() string {
	t := time.Now()
	if c.text == "" || t.Sub(c.last) >= time.Millisecond || t.Before(c.last) {
		c.last, c.text = t, t.UTC().Format(time.RFC3339Nano)
	}
	return c.text
}

// check validates a record read back from a file, and restores its
// banner's bytes from banner_b64.
func (r *Record) check() error {
	if r.BannerB64 != "" {
		b, err := base64.StdEncoding.DecodeString(r.BannerB64)
		if err != nil {
			return fmt.Errorf(`field "banner_b64" is not base64: %v`, err)
		}
		r.Banner, r.BannerB64 = string(b), ""
	}
	ip, err := netip.ParseAddr(r.IP)
	if err != nil {
		return fmt.Errorf(`field "ip" is %q: want an IP address`, r.IP)
	}
	r.IP = ip.String()
	if r.Port < 1 || r.Port > scan.MaxPort {
		return fmt.Errorf(`field "port" is %d: want a port, 1-65535`, r.Port)
	}
	if _, ok := stateOf(r.State); !ok {
		return fmt.Errorf(`field "state" is %q: want open, closed or filtered`, r.State)
	}
	if r.Proto == "" {
		r.Proto = "tcp"
	}
	if r.Proto != "tcp" {
		return fmt.Errorf("protocol %q: netstar scans tcp only", r.Proto)
	}
	return nil
}

// jsonProblem says what is wrong with a line that does not decode, in
// the file's terms (the field, what it holds, what it should hold),
// never in Go's ("Go struct field journalRecord.pos of type uint64").
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			field = field[i+1:]
		}
		got := te.Value
		switch {
		case strings.HasPrefix(got, "number "):
			got = strings.TrimPrefix(got, "number ")
		case got == "number":
			got = "a number"
		case got == "string":
			got = "a string"
		case got == "bool":
			got = "true or false"
		case got == "array":
			got = "a list"
		case got == "object":
			got = "an object"
		}
		if field == "" {
			return fmt.Sprintf("the line is %s, not a JSON object", got)
		}
		return fmt.Sprintf("field %q is %s: want %s", field, got, jsonWant(te.Type))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not a whole JSON object (at byte %d: %s)", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonWant names what a field of type t holds.
func jsonWant(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonWant(t.Elem())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

func stateOf(s string) (scan.State, bool) {
	switch s {
	case "open":
		return scan.Open, true
	case "closed":
		return scan.Closed, true
	case "filtered":
		return scan.Filtered, true
	}
	return 0, false
}

// appendJSON appends r as one JSON object, faster than encoding/json
// for the plain strings a scan produces. pos < 0 leaves out "pos".
func appendJSON(b []byte, r *Record, pos int64) []byte {
	b = append(b, '{')
	if pos >= 0 {
		b = append(b, `"pos":`...)
		b = strconv.AppendInt(b, pos, 10)
		b = append(b, ',')
	}
	b = append(b, `"ip":`...)
	b = appendString(b, r.IP)
	if r.Host != "" {
		b = append(b, `,"host":`...)
		b = appendString(b, r.Host)
	}
	b = append(b, `,"port":`...)
	b = strconv.AppendInt(b, int64(r.Port), 10)
	b = append(b, `,"proto":`...)
	b = appendString(b, r.Proto)
	b = append(b, `,"state":`...)
	b = appendString(b, r.State)
	b = append(b, `,"reason":`...)
	b = appendString(b, r.Reason)
	if r.Service != "" {
		b = append(b, `,"service":`...)
		b = appendString(b, r.Service)
	}
	b = append(b, `,"rtt":`...)
	b = strconv.AppendFloat(b, r.RTT, 'g', 6, 64)
	if r.Banner != "" {
		b = append(b, `,"banner":`...)
		if utf8.ValidString(r.Banner) {
			b = appendString(b, r.Banner)
		} else {
			b = appendString(b, backslashReplace(r.Banner))
			b = append(b, `,"banner_b64":"`...)
			b = base64.StdEncoding.AppendEncode(b, []byte(r.Banner))
			b = append(b, '"')
		}
	}
	if r.Shard != "" {
		b = append(b, `,"shard":`...)
		b = appendString(b, r.Shard)
	}
	b = append(b, `,"seed":`...)
	b = strconv.AppendUint(b, r.Seed, 10)
	b = append(b, `,"time":`...)
	b = appendString(b, r.Time)
	return append(b, '}', '\n')
}

// backslashReplace returns s with every byte that is not part of valid
// UTF-8 written as \xHH, as Python's bytes.decode("utf-8",
// "backslashreplace") does: b"\x80\xfe" becomes the text \x80\xfe.
func backslashReplace(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&sb, `\x%02x`, s[i])
		} else {
			sb.WriteString(s[i : i+n])
		}
		i += n
	}
	return sb.String()
}

func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' {
			js, _ := json.Marshal(s)
			return append(b, js...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
