package httpserve

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// logRequest writes the request's log entry: notes, the "code N,
// message M" line of a server-generated error, and the access line,
// all in python http.server's format:
//
//	127.0.0.1 - - [27/Nov/2026 10:00:00] code 404, message File not found
//	127.0.0.1 - - [27/Nov/2026 10:00:00] "GET /x HTTP/1.1" 404 -
func (s *Server) logRequest(rec *recorder, r *http.Request, start time.Time) {
	if s.cfg.Log == nil {
		return
	}
	status := rec.statusCode()
	rec.mu.Lock()
	notes, errMsg := rec.notes, rec.errMsg
	rec.mu.Unlock()

	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	bp := entryBufs.Get().(*[]byte)
	defer entryBufs.Put(bp)
	buf := (*bp)[:0]
	for _, n := range notes {
		buf = appendNote(buf, n)
		buf = append(buf, '\n')
	}
	date := s.dates.format(start)
	prefix := func(buf []byte) []byte {
		buf = append(buf, host...)
		buf = append(buf, " - - ["...)
		buf = append(buf, date...)
		return append(buf, "] "...)
	}
	if errMsg != "" {
		buf = prefix(buf)
		buf = appendEscaped(buf, "code "+strconv.Itoa(status)+", message "+errMsg)
		buf = append(buf, '\n')
	}
	buf = prefix(buf)
	buf = append(buf, '"')
	buf = appendEscaped(buf, r.Method)
	buf = append(buf, ' ')
	buf = appendEscaped(buf, r.RequestURI)
	buf = append(buf, ' ')
	buf = appendEscaped(buf, r.Proto)
	buf = append(buf, "\" "...)
	buf = strconv.AppendInt(buf, int64(status), 10)
	buf = append(buf, " -\n"...)
	s.log.Write(buf)
	if cap(buf) <= 4<<10 {
		*bp = buf
	}
}

// entryBufs holds the buffers logRequest formats entries in (the log
// writer copies them).
var entryBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

const hexDigits = "0123456789abcdef"

// appendNote appends a note (a traceback, the cause of a 500), which
// may quote the request (a path, a header, a body): every control
// character is escaped as in appendEscaped except the note's own line
// breaks, and a line break is escaped too (\x0a) when the text after it
// would read as a log entry ("HOST - - [..."), so that a note can
// neither move the terminal nor forge an access line.
func appendNote(buf []byte, note string) []byte {
	for {
		line, rest, more := strings.Cut(note, "\n")
		buf = appendEscaped(buf, line)
		if !more {
			return buf
		}
		if looksLikeEntry(rest) {
			buf = append(buf, `\x0a`...)
		} else {
			buf = append(buf, '\n')
		}
		note = rest
	}
}

// looksLikeEntry reports whether s starts like a log entry: a word (the
// client's address) followed by " - - [".
func looksLikeEntry(s string) bool {
	i := strings.IndexByte(s, ' ')
	return i > 0 && strings.HasPrefix(s[i:], " - - [")
}

// appendEscaped appends s with control characters written as \xHH and
// "\" as "\\", as python's http.server does (3.11.4+, 3.12: C0, DEL and
// C1; the backslash so that an escape in the log is never ambiguous).
// Bytes that are not UTF-8 are escaped the same way; python would show
// them as Latin-1.
func appendEscaped(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' {
			buf = append(buf, '\\', '\\')
			i++
			continue
		}
		if c >= 0x20 && c < 0x7f {
			buf = append(buf, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if c < 0x20 || c == 0x7f || (r == utf8.RuneError && size == 1) {
			buf = append(buf, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
			i++
			continue
		}
		if r >= 0x80 && r < 0xa0 {
			buf = append(buf, '\\', 'x', hexDigits[r>>4], hexDigits[r&15])
		} else {
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return buf
}

// dateCache formats python's log_date_time_string ("27/Nov/2026
// 10:00:00", local time) once per second.
type dateCache struct{ p atomic.Pointer[stamp] }

type stamp struct {
	sec  int64
	text string
}

func (d *dateCache) format(t time.Time) string {
	sec := t.Unix()
	if s := d.p.Load(); s != nil && s.sec == sec {
		return s.text
	}
	s := &stamp{sec, t.Format("02/Jan/2006 15:04:05")}
	d.p.Store(s)
	return s.text
}
