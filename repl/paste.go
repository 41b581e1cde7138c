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
	raw     []byte // the read buffer

	// Runs of plain characters (see coalesce), when coalescing.
	coalescing bool
	esc        escState
	run        []byte   // the plain characters of the run being read
	inserts    [][]rune // the runs passed on as insertMark, oldest first
	// waitingFn reports whether more input is waiting to be read; nil
	// asks the terminal (poll).
	waitingFn func(full bool) bool
}

var (
	pasteStart = []byte("\x1b[200~")
	pasteEnd   = []byte("\x1b[201~")
)

func newPasteReader(r io.ReadCloser) *pasteReader { return &pasteReader{r: r} }

func (p *pasteReader) Read(buf []byte) (int, error) {
	for {
		p.mu.Lock()
		if len(p.ready) > 0 || p.err != nil {
			n := copy(buf, p.ready)
			p.ready = p.ready[n:]
			var err error
			if len(p.ready) == 0 {
				err, p.err = p.err, nil
			}
			p.mu.Unlock()
			return n, err
		}
		p.mu.Unlock()
		p.fill()
	}
}

// fill reads from the terminal into ready. While the text being read
// ends in a run of plain characters and more input is already waiting,
// it reads on, so that a paste becomes one insertion.
func (p *pasteReader) fill() {
	if p.raw == nil {
		p.raw = make([]byte, 4096)
	}
	for {
		n, err := p.r.Read(p.raw)
		p.mu.Lock()
		data := append(p.pending, p.raw[:n]...)
		p.pending = nil
		out := p.filter(data)
		if err != nil {
			// No more bytes can complete a held-back marker.
			out = append(out, p.pending...)
			p.pending = nil
		}
		p.ready = p.coalesce(p.ready, out)
		more := err == nil && len(p.run) > 0 && len(p.run) < maxRun && p.waiting(n == len(p.raw))
		if !more {
			p.ready = p.endRun(p.ready, err != nil)
		}
		if err != nil {
			p.err = err
		}
		p.mu.Unlock()
		if !more {
			return
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
