package repl

import (
	"os"
	"unicode/utf8"

	"github.com/chzyer/readline"
	"golang.org/x/sys/unix"
)

// A paste (or fast typing) is inserted into the line in one step.
// chzyer/readline handles one rune at a time and redraws the whole line
// after each (O(n) each, O(n*n) for a line), so pasteReader passes a run
// of plain characters to it as one private-use rune, insertMark, and
// keeps the run aside. The line editor's hooks then swap the mark for
// the run: FuncFilterInputRune takes the run when readline reads the
// mark, the Listener replaces the mark in the line. Keys, escape
// sequences and control characters pass through as they are.

// insertMark stands for a run of plain characters in the line editor's
// input. A pasted U+E000 is always part of a run, so every insertMark
// readline reads is one of pasteReader's.
const insertMark = '\uE000'

// maxRun bounds the bytes of one insertion.
const maxRun = 1 << 20

// escState follows readline's escape sequences (Terminal.ioloop), whose
// bytes are never plain characters.
type escState int

const (
	escNone   escState = iota
	escStart           // after ESC
	escParams          // after ESC [ or ESC O: digits and ';' up to the final byte
)

// plain reports whether c, outside an escape sequence, is part of a
// character readline inserts as it is: not a control character (tab,
// Enter, Ctrl-C...) and not ESC or DEL.
func plain(c byte) bool { return c >= 0x20 && c != 0x7f }

// coalesce appends data to dst, keeping plain characters in p.run
// instead. A run ends at the first other byte. Called with mu held.
func (p *pasteReader) coalesce(dst, data []byte) []byte {
	if !p.coalescing {
		return append(dst, data...)
	}
	for _, c := range data {
		switch p.esc {
		case escNone:
			if plain(c) {
				p.run = append(p.run, c)
				continue
			}
			dst = p.endRun(dst, true)
			if c == 0x1b {
				p.esc = escStart
			}
		case escStart:
			switch c {
			case '[', 'O':
				p.esc = escParams
			case 0x1b:
			default:
				p.esc = escNone
			}
		case escParams:
			if !(c >= '0' && c <= '9' || c == ';') {
				p.esc = escNone
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// endRun passes on the run read so far: as itself when it is a single
// character, else as insertMark. Unless final, an unfinished UTF-8
// sequence at its end stays in the run for the next read to complete.
// Called with mu held.
func (p *pasteReader) endRun(dst []byte, final bool) []byte {
	run := p.run
	var tail []byte
	if !final {
		run, tail = splitUnfinished(run)
	}
	switch {
	case len(run) == 0:
	case utf8.RuneCount(run) == 1 && string(run) != string(insertMark):
		dst = append(dst, run...)
	default:
		p.inserts = append(p.inserts, []rune(string(run)))
		dst = utf8.AppendRune(dst, insertMark)
	}
	p.run = append(p.run[:0], tail...)
	return dst
}

// splitUnfinished splits off an unfinished UTF-8 sequence at the end of b.
func splitUnfinished(b []byte) (whole, tail []byte) {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i], b[i:]
			}
			break
		}
	}
	return b, nil
}

// waiting reports whether more input is waiting to be read; full says
// the last read filled the buffer, so more is probably on its way.
func (p *pasteReader) waiting(full bool) bool {
	if p.waitingFn != nil {
		return p.waitingFn(full)
	}
	f, ok := p.r.(*os.File)
	if !ok {
		return false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	timeout := 0
	if full {
		timeout = 2 // milliseconds
	}
	ready := false
	rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, timeout)
		ready = err == nil && n > 0 && fds[0].Revents&unix.POLLIN != 0
	})
	return ready
}

// takeInsert pops the oldest run passed on as insertMark.
func (p *pasteReader) takeInsert() []rune {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.inserts) == 0 {
		return nil
	}
	text := p.inserts[0]
	p.inserts[0] = nil
	p.inserts = p.inserts[1:]
	return text
}

// inserter is the line editor's side of an insertion: its filterRune is
// readline's FuncFilterInputRune and it is readline's Listener. Both run
// on readline's own goroutine, one key after the other.
type inserter struct {
	paste *pasteReader
	op    func() *readline.Operation
	text  []rune // the run whose insertMark readline is handling
}

// filterRune takes the run an insertMark stands for. In history search
// the run is typed into the search, one rune at a time as readline
// does; a completion menu is closed, as typing does.
func (in *inserter) filterRune(r rune) (rune, bool) {
	in.text = nil
	if r != insertMark {
		return r, true
	}
	text := in.paste.takeInsert()
	if len(text) == 0 {
		return r, false
	}
	op := in.op()
	switch {
	case op.IsSearchMode():
		for _, c := range text[:len(text)-1] {
			op.SearchChar(c)
		}
		return text[len(text)-1], true
	case op.IsInCompleteMode():
		op.ExitCompleteMode(false)
	}
	in.text = text
	return r, true
}

// OnChange replaces the insertMark readline has just inserted before
// the cursor with its run.
func (in *inserter) OnChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	text := in.text
	in.text = nil
	if key != insertMark || text == nil || pos < 1 || pos > len(line) || line[pos-1] != insertMark {
		return nil, 0, false
	}
	out := make([]rune, 0, len(line)-1+len(text))
	out = append(out, line[:pos-1]...)
	out = append(out, text...)
	out = append(out, line[pos:]...)
	return out, pos - 1 + len(text), true
}
