package repl

import (
	"bytes"
	"io"
	"sync"
)

// pasteReader sits between the terminal and the line editor. It removes
// the bracketed-paste markers (ESC[200~ ... ESC[201~) that
// chzyer/readline does not understand, and records for every newline it
// passes on whether it was pasted with more text after it. The REPL uses
// that to keep a pasted block together across blank lines, as Python
// 3.13's REPL does. Without bracketed paste, a newline followed by more
// bytes in the same read is taken as pasted: typing never delivers two
// lines in one read.
type pasteReader struct {
	r io.ReadCloser

	mu      sync.Mutex
	pending []byte // bytes held back: a possible marker split across reads
	ready   []byte // filtered bytes that did not fit the caller's buffer
	err     error  // the read error to return once ready is drained
	inPaste bool
	flags   []bool // one per newline passed on: pasted with more to come
}

var (
	pasteStart = []byte("\x1b[200~")
	pasteEnd   = []byte("\x1b[201~")
)

func newPasteReader(r io.ReadCloser) *pasteReader { return &pasteReader{r: r} }

func (p *pasteReader) Read(buf []byte) (int, error) {
	p.mu.Lock()
	if len(p.ready) > 0 || p.err != nil {
		n := copy(buf, p.ready)
		p.ready = p.ready[n:]
		if len(p.ready) > 0 {
			p.mu.Unlock()
			return n, nil
		}
		err := p.err
		p.err = nil
		p.mu.Unlock()
		return n, err
	}
	p.mu.Unlock()
	for {
		n, err := p.r.Read(buf)
		p.mu.Lock()
		data := append(p.pending, buf[:n]...)
		p.pending = nil
		out := p.filter(data)
		if err != nil {
			// No more bytes can complete a held-back marker.
			out = append(out, p.pending...)
			p.pending = nil
		}
		// Held-back bytes from the last read can make out longer than
		// buf: keep the rest for the next Read.
		m := copy(buf, out)
		if m < len(out) {
			p.ready = append([]byte(nil), out[m:]...)
			p.err = err
			err = nil
		}
		p.mu.Unlock()
		if len(out) > 0 || err != nil {
			return m, err
		}
	}
}

// filter strips paste markers from data and records newline flags.
// Called with mu held. The output is never longer than data.
func (p *pasteReader) filter(data []byte) []byte {
	out := data[:0:0]
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == 0x1b {
			rest := data[i:]
			switch {
			case bytes.HasPrefix(rest, pasteStart):
				p.inPaste = true
				i += len(pasteStart) - 1
				continue
			case bytes.HasPrefix(rest, pasteEnd):
				p.inPaste = false
				i += len(pasteEnd) - 1
				continue
			case len(rest) < len(pasteStart) && (bytes.HasPrefix(pasteStart, rest) || bytes.HasPrefix(pasteEnd, rest)):
				p.pending = append([]byte(nil), rest...)
				return out
			}
		}
		if c == '\n' || c == '\r' {
			more := p.inPaste || hasTextAfter(data[i+1:])
			p.flags = append(p.flags, more)
		}
		out = append(out, c)
	}
	return out
}

// hasTextAfter reports whether rest holds more input than a paste-end
// marker.
func hasTextAfter(rest []byte) bool {
	rest = bytes.TrimPrefix(rest, pasteEnd)
	return len(rest) > 0
}

// next pops the flag of the oldest newline not yet consumed: true when
// that line was pasted with more text after it.
func (p *pasteReader) next() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.flags) == 0 {
		return false
	}
	f := p.flags[0]
	p.flags = p.flags[1:]
	return f
}

// Close closes the terminal input.
func (p *pasteReader) Close() error { return p.r.Close() }
