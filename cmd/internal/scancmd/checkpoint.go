package scancmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/netstar/netstar/builtins/i18n"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// A checkpoint is an append-only JSON Lines journal:
//
//	{"netstar_checkpoint":1,"args":"<sha256>","command":"...","seed":S,"shard":"I/N","positions":P}
//	{"pos":K,"ip":...,"port":...}                  one line per outcome, as in -oJ, plus its position
//	{"mark":W,"sent":..,"retries":..,...}          every position below W is recorded above
//
// A resumed scan replays the records into its outputs, skips their
// positions and probes the rest. A last line cut short by a kill is
// dropped; any other damage is an error.

const checkpointVersion = 1

type checkpointHeader struct {
	Version   int    `json:"netstar_checkpoint"`
	Args      string `json:"args"`
	Command   string `json:"command"`
	Seed      uint64 `json:"seed"`
	Shard     string `json:"shard,omitempty"`
	Positions uint64 `json:"positions"`
}

type markLine struct {
	Mark *uint64 `json:"mark"`
	// Records counts the records above the mark in the journal (absent
	// in checkpoints of earlier netstar versions).
	Records     *uint64 `json:"records,omitempty"`
	Sent        uint64  `json:"sent"`
	Retries     uint64  `json:"retries"`
	LocalErrors uint64  `json:"local_errors"`
	Drops       uint64  `json:"drops"`
	Complete    bool    `json:"complete,omitempty"`
}

// checkpoint is what reading a journal gives.
type checkpoint struct {
	header checkpointHeader
	mark   markLine // the last one (Mark nil: none)
	// above holds the recorded positions at or past the last mark
	// (without readOptions.bits).
	above   map[uint64]struct{}
	records uint64 // records kept (checked, first of their position)
	below   uint64 // records kept below the last mark
	// size is the length of the journal's complete lines.
	size int64

	// What is wrong with the records: notes (the first maxNotes),
	// records dropped (forged or repeated), and whether a mark claims
	// positions its records do not hold.
	notes   []string
	dropped uint64
	lying   bool
}

// maxNotes is how many problems of a damaged checkpoint are named; the
// rest are counted.
const maxNotes = 10

func (c *checkpoint) from() uint64 {
	if c.mark.Mark == nil {
		return 0
	}
	return *c.mark.Mark
}

// damaged reports whether the journal's records and marks disagree: a
// record was forged or repeated, or a mark claims more than is there.
func (c *checkpoint) damaged() bool { return c.dropped > 0 || c.lying }

func (c *checkpoint) note(format string, args ...any) {
	if len(c.notes) < maxNotes {
		c.notes = append(c.notes, fmt.Sprintf(format, args...))
	}
}

// readOptions say how readCheckpoint treats the records.
type readOptions struct {
	// lang is the language of the notes.
	lang i18n.Lang
	// verify, when not nil, checks that a record is what the scan
	// probes at its position; a record it refuses is dropped and noted.
	verify func(pos uint64, rec *Record) error
	// replay, when not nil, is called for each record kept, in order.
	replay func(pos uint64, rec *Record) error
	// bits, when not nil, has a bit for each position of the walk: the
	// positions of the records kept are set there, the first record of
	// a position is kept, and marks only give their counters (they are
	// not trusted: this reads a damaged journal).
	bits []uint64
}

// errTruncated is wrapped by readCheckpoint for a journal without a
// complete header.
var errTruncated = errors.New("truncated checkpoint")

func bitSet(bits []uint64, p uint64) bool { return bits[p/64]&(1<<(p%64)) != 0 }
func setBit(bits []uint64, p uint64)      { bits[p/64] |= 1 << (p % 64) }

// readCheckpoint reads a journal. Damage a kill cannot cause (a line
// that is no record or mark, a mark going back) is an error; records
// that opt.verify refuses or that repeat a position are dropped and
// noted, and marks that claim positions without records are noted.
func readCheckpoint(r io.Reader, opt readOptions) (*checkpoint, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	c := &checkpoint{above: map[uint64]struct{}{}}
	line := 0
	for {
		b, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			var long []byte
			long = append(long, b...)
			for err == bufio.ErrBufferFull && len(long) < 1<<20 {
				b, err = br.ReadSlice('\n')
				long = append(long, b...)
			}
			if err == bufio.ErrBufferFull {
				return nil, fmt.Errorf("corrupt checkpoint: line %d is longer than 1 MB", line+1)
			}
			b = long
		}
		if err == io.EOF {
			// A last line without its newline was cut short by a kill.
			break
		}
		if err != nil {
			return nil, err
		}
		line++
		if line == 1 {
			if err := json.Unmarshal(b, &c.header); err != nil || c.header.Version == 0 {
				return nil, fmt.Errorf("not a netstar checkpoint (line 1 is not its header)")
			}
			if c.header.Version != checkpointVersion {
				return nil, fmt.Errorf("checkpoint version %d: this netstar reads version %d", c.header.Version, checkpointVersion)
			}
			c.size += int64(len(b))
			continue
		}
		switch {
		case bytes.HasPrefix(b, []byte(`{"mark":`)):
			var m markLine
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("corrupt checkpoint: line %d (a mark): %s", line, jsonProblem(err))
			}
			switch {
			case m.Mark == nil:
				return nil, fmt.Errorf(`corrupt checkpoint: line %d (a mark): field "mark" is null: want the position below which every probe is recorded`, line)
			case *m.Mark > c.header.Positions:
				return nil, fmt.Errorf(`corrupt checkpoint: line %d: the mark %d is past the end of the walk (%d probes)`, line, *m.Mark, c.header.Positions)
			case *m.Mark < c.from():
				return nil, fmt.Errorf(`corrupt checkpoint: line %d: the mark %d goes back: an earlier mark is %d, and marks only grow`, line, *m.Mark, c.from())
			}
			if opt.bits == nil {
				for p := range c.above {
					if p < *m.Mark {
						delete(c.above, p)
						c.below++
					}
				}
				switch {
				case c.lying:
				case c.below != *m.Mark:
					c.lying = true
					c.note("%s", opt.lang.T("scan.noteMarkClaims", line, *m.Mark, c.below))
				case m.Records != nil && *m.Records != c.records:
					c.lying = true
					c.note("%s", opt.lang.T("scan.noteMarkCount", line, *m.Records, c.records))
				}
			}
			c.mark = m
		case bytes.HasPrefix(b, []byte(`{"pos":`)):
			var jr journalRecord
			if err := json.Unmarshal(b, &jr); err != nil {
				return nil, fmt.Errorf("corrupt checkpoint: line %d (a record): %s", line, jsonProblem(err))
			}
			if err := jr.Record.check(); err != nil {
				return nil, fmt.Errorf("corrupt checkpoint: line %d (a record): %v", line, err)
			}
			if jr.Pos >= c.header.Positions && c.header.Positions == 0 {
				return nil, fmt.Errorf("corrupt checkpoint: line %d: a record, but the header says the walk has no probes", line)
			}
			if jr.Pos >= c.header.Positions {
				return nil, fmt.Errorf(`corrupt checkpoint: line %d: field "pos" is %d, past the end of the walk: want 0-%d`, line, jr.Pos, c.header.Positions-1)
			}
			if opt.verify != nil {
				if err := opt.verify(jr.Pos, &jr.Record); err != nil {
					c.dropped++
					c.note("%s", opt.lang.T("scan.noteDropped", line, err.Error()))
					break
				}
			}
			if opt.bits != nil {
				if bitSet(opt.bits, jr.Pos) {
					c.dropped++
					c.note("%s", opt.lang.T("scan.noteTwice", line, jr.Pos))
					break
				}
				setBit(opt.bits, jr.Pos)
			} else {
				if _, dup := c.above[jr.Pos]; dup || jr.Pos < c.from() {
					c.dropped++
					c.note("%s", opt.lang.T("scan.noteTwice", line, jr.Pos))
					break
				}
				c.above[jr.Pos] = struct{}{}
			}
			c.records++
			if opt.replay != nil {
				if err := opt.replay(jr.Pos, &jr.Record); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf(`corrupt checkpoint: line %d is neither a record ({"pos":...}) nor a mark ({"mark":...})`, line)
		}
		c.size += int64(len(b))
	}
	if line == 0 {
		return nil, fmt.Errorf("%w: it has no complete header line", errTruncated)
	}
	return c, nil
}

// journal appends to a checkpoint.
type journal struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
}

// createJournal starts a new checkpoint in f (locked, emptied) with
// its header, synced before any probe is sent.
func createJournal(f *os.File, h checkpointHeader) (*journal, error) {
	if err := f.Truncate(0); err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(h)
	if _, err := f.Write(append(b, '\n')); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	return &journal{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// appendJournal continues the checkpoint in f (locked), dropping a last
// line cut short.
func appendJournal(f *os.File, size int64) (*journal, error) {
	if err := f.Truncate(size); err != nil {
		return nil, err
	}
	if _, err := f.Seek(size, io.SeekStart); err != nil {
		return nil, err
	}
	return &journal{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// openCheckpoint opens the --resume file, creating it, and locks it for
// this run. It must be a regular file: a FIFO or a device is refused
// at once (opening it does not wait for a writer).
func openCheckpoint(lang i18n.Lang, path string) (*os.File, error) {
	f, err := openLocked(lang, "--resume", path, os.O_RDWR|syscall.O_NONBLOCK)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = errors.New(lang.T("scan.resumeNotRegular"))
		}
		return nil, fmt.Errorf("--resume %s: %w", path, err)
	}
	return f, nil
}

// readHeader reads the header line of the checkpoint in f, or returns
// nil when f is empty (a new checkpoint).
func readHeader(f *os.File) (*checkpointHeader, error) {
	br := bufio.NewReader(io.NewSectionReader(f, 0, 1<<20))
	b, err := br.ReadSlice('\n')
	if err == io.EOF && len(b) == 0 {
		return nil, nil
	}
	if err != nil {
		if err == io.EOF || err == bufio.ErrBufferFull {
			return nil, fmt.Errorf("%w: it has no complete header line", errTruncated)
		}
		return nil, err
	}
	var h checkpointHeader
	if err := json.Unmarshal(b, &h); err != nil && bytes.HasPrefix(b, []byte(`{"netstar_checkpoint":`)) {
		return nil, fmt.Errorf("corrupt checkpoint: line 1 (its header): %s", jsonProblem(err))
	} else if err != nil || h.Version == 0 {
		return nil, fmt.Errorf("not a netstar checkpoint (line 1 is not its header)")
	}
	if h.Version != checkpointVersion {
		return nil, fmt.Errorf("checkpoint version %d: this netstar reads version %d", h.Version, checkpointVersion)
	}
	return &h, nil
}

// startRepair starts the journal that replaces the damaged checkpoint
// at path: a locked temporary file beside it, with the header h.
func startRepair(path string, h checkpointHeader) (*journal, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	if err := flock(tmp); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	j, err := createJournal(tmp, h)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return j, nil
}

// replace makes the journal (from startRepair, with its first mark
// written) the checkpoint at path: synced, then renamed over it. The
// journal stays open, locked, for the records to come.
func (j *journal) replace(path string) error {
	err := j.w.Flush()
	if err == nil {
		err = j.f.Sync()
	}
	if fi, serr := os.Stat(path); serr == nil && err == nil {
		err = j.f.Chmod(fi.Mode().Perm())
	}
	if err == nil {
		err = os.Rename(j.f.Name(), path)
	}
	if err != nil {
		os.Remove(j.f.Name())
	}
	return err
}

func (j *journal) record(pos uint64, r *Record) error {
	j.buf = appendJSON(j.buf[:0], r, int64(pos))
	_, err := j.w.Write(j.buf)
	return err
}

// mark records that every position below m.Mark is written, and
// pushes the journal to the kernel (it survives the process).
func (j *journal) mark(m markLine) error {
	b, _ := json.Marshal(m)
	if _, err := j.w.Write(append(b, '\n')); err != nil {
		return err
	}
	return j.w.Flush()
}

func (j *journal) close() error {
	err := j.w.Flush()
	if serr := j.f.Sync(); err == nil {
		err = serr
	}
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	return err
}
