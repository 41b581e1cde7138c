package httpserve

import (
	"io"
	"sync"
	"time"
)

// Bounds of logWriter.
const (
	// logWindow is how long log entries are gathered after a write to
	// the log: an entry that comes when the log has been quiet that long
	// is written at once.
	logWindow = 5 * time.Millisecond
	// logMaxPending is written at once, whatever the window.
	logMaxPending = 64 << 10
)

// logWriter writes log entries to w in python's order with one system
// call per entry while the server is quiet, and one per logWindow under
// load: a server answering 20k requests a second spent a write(2) per
// request on its log (a tenth of its time). An entry is never split;
// entries waiting are written by a timer at the end of the window, by
// the next entry past logMaxPending, and by close.
type logWriter struct {
	w io.Writer

	mu      sync.Mutex
	pending []byte
	spare   []byte
	last    time.Time // end of the last write to w
	timer   *time.Timer
	armed   bool // timer will flush pending
	closed  bool
}

func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{w: w}
	l.timer = time.AfterFunc(time.Hour, l.flush)
	l.timer.Stop()
	return l
}

// Write logs entry (whole lines). It does not keep entry.
func (l *logWriter) Write(entry []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || (!l.armed && len(l.pending) == 0 && time.Since(l.last) >= logWindow) {
		l.w.Write(entry)
		l.last = time.Now()
		return len(entry), nil
	}
	l.pending = append(l.pending, entry...)
	if len(l.pending) >= logMaxPending {
		l.writePending()
		return len(entry), nil
	}
	if !l.armed {
		l.armed = true
		l.timer.Reset(logWindow)
	}
	return len(entry), nil
}

// writePending writes what waits. Called with mu held.
func (l *logWriter) writePending() {
	if len(l.pending) == 0 {
		return
	}
	l.w.Write(l.pending)
	l.last = time.Now()
	l.pending, l.spare = l.spare[:0], l.pending
	if cap(l.spare) > logMaxPending*2 {
		l.spare = nil
	}
}

// flush is the timer's: the window has passed.
func (l *logWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.armed = false
	l.writePending()
}

// close writes what waits; later entries are written at once.
func (l *logWriter) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timer.Stop()
	l.armed = false
	l.closed = true
	l.writePending()
}
