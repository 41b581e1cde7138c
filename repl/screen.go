package repl

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/chzyer/readline"
)

// screen sits between chzyer/readline and the terminal and keeps a long
// line's redraws linear. readline redraws the whole line for every key
// (RuneBuffer.Refresh: clear the line, then prompt, line and cursor
// movement), so typing or pasting n characters writes about n*n/2
// bytes. When a redraw only appends to the line that is on the screen,
// with the cursor at its end before and after, screen writes the
// appended part instead: what the terminal shows is the same.
//
// It knows a redraw by its two writes: the clearing sequence (held back
// until the next write shows what it was for), then the frame, which the
// painter has just drawn (the painter tells screen the frame's text and
// whether the cursor ends at its end). Any other output, on stdout or
// stderr, is passed on at once and forgets the frame on the screen, so
// the next redraw is written whole, as readline writes it.
type screen struct {
	mu    sync.Mutex
	out   io.Writer
	err   io.Writer
	clean []byte // a clearing sequence held back
	last  []byte // the frame on the screen with the cursor at its end; nil if unknown
	paint *painted
}

// painted is what the painter drew for the frame readline writes next.
type painted struct {
	text  []byte // the line as written (tabs expanded as readline does)
	atEnd bool   // the cursor is at the end of the line
}

func newScreen(out, err io.Writer) *screen { return &screen{out: out, err: err} }

// Stdout is the writer readline draws with and the REPL prints to.
func (s *screen) Stdout() io.Writer { return screenOut{s} }

// Stderr is the REPL's error stream on the same terminal.
func (s *screen) Stderr() io.Writer { return screenErr{s} }

type screenOut struct{ s *screen }

func (w screenOut) Write(b []byte) (int, error) { return w.s.write(b) }

type screenErr struct{ s *screen }

func (w screenErr) Write(b []byte) (int, error) {
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.flush(); err != nil {
		return 0, err
	}
	s.last = nil
	return s.err.Write(b)
}

// reset forgets the frame on the screen: the next redraw is written
// whole. The REPL calls it before every Readline.
func (s *screen) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flush()
	s.last = nil
	s.paint = nil
}

// flush writes a held clearing sequence. Called with mu held.
func (s *screen) flush() error {
	if len(s.clean) == 0 {
		return nil
	}
	_, err := s.out.Write(s.clean)
	s.clean = nil
	return err
}

func (s *screen) write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.paint
	s.paint = nil
	if p == nil {
		if string(b) == "\a" { // the bell moves nothing
			return s.out.Write(b)
		}
		if len(b) > 0 && isClearing(s.clean, b) {
			s.clean = append(s.clean, b...)
			return len(b), nil
		}
		s.last = nil
		if err := s.flush(); err != nil {
			return 0, err
		}
		return s.out.Write(b)
	}
	// b is a frame: prompt, the painted line, then " \b" when the line
	// ends at the right margin (readline's isInLineEdge) or cursor
	// movement when the cursor is not at the end.
	base, whole := frameBase(b, p)
	redraw := len(s.clean) > 0
	if redraw && whole && s.last != nil && bytes.HasPrefix(b, s.last) {
		s.clean = nil
		_, err := s.out.Write(b[len(s.last):])
		s.last = append(s.last[:0], base...)
		return len(b), err
	}
	s.last = nil
	if redraw && whole {
		s.last = append([]byte(nil), base...)
	}
	buf := append(s.clean, b...)
	s.clean = nil
	if _, err := s.out.Write(buf); err != nil {
		return 0, err
	}
	return len(b), nil
}

// frameBase returns frame without a trailing " \b" margin mark, and
// whether frame is a whole line with the cursor at its end.
func frameBase(frame []byte, p *painted) ([]byte, bool) {
	if !p.atEnd {
		return nil, false
	}
	if bytes.HasSuffix(frame, p.text) {
		return frame, true
	}
	if base, ok := bytes.CutSuffix(frame, []byte(" \b")); ok && bytes.HasSuffix(base, p.text) {
		return base, true
	}
	return nil, false
}

// clearingTokens are the pieces of readline's line-clearing sequence
// (RuneBuffer.cleanOutput).
var clearingTokens = []string{"\x1b[J", "\x1b[2K", "\x1b[A", "\r", "\b"}

// isClearing reports whether held followed by b is made only of
// clearing tokens; the last may be cut short (a long sequence comes in
// several writes).
func isClearing(held, b []byte) bool {
	s := string(held) + string(b)
next:
	for len(s) > 0 {
		for _, tok := range clearingTokens {
			if strings.HasPrefix(s, tok) {
				s = s[len(tok):]
				continue next
			}
			if len(s) < len(tok) && strings.HasPrefix(tok, s) {
				return true
			}
		}
		return false
	}
	return true
}

// Paint is the line editor's Painter: it hides insertMark (a paste
// waiting to be inserted, see pasteReader) and tells the screen what the
// next frame holds.
func (s *screen) Paint(line []rune, pos int) []rune {
	shown := line
	if containsRune(line, insertMark) {
		shown = make([]rune, 0, len(line))
		for _, r := range line {
			if r != insertMark {
				shown = append(shown, r)
			}
		}
	}
	var sb strings.Builder
	for _, r := range shown {
		if r == '\t' {
			sb.WriteString(strings.Repeat(" ", readline.TabWidth))
		} else {
			sb.WriteRune(r)
		}
	}
	s.mu.Lock()
	s.paint = &painted{text: []byte(sb.String()), atEnd: pos == len(line)}
	s.mu.Unlock()
	return shown
}

func containsRune(rs []rune, r rune) bool {
	for _, c := range rs {
		if c == r {
			return true
		}
	}
	return false
}
