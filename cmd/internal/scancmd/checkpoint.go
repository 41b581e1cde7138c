package scancmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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
	Mark        *uint64 `json:"mark"`
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
	// above holds the recorded positions at or past the last mark.
	above   map[uint64]struct{}
	records uint64
	// size is the length of the journal's complete lines.
	size int64
}

func (c *checkpoint) from() uint64 {
	if c.mark.Mark == nil {
		return 0
	}
	return *c.mark.Mark
}

// errTruncated is wrapped by readCheckpoint for a journal without a
// complete header.
var errTruncated = errors.New("truncated checkpoint")

// readCheckpoint reads a journal, calling replay (if not nil) for each
// record in order.
func readCheckpoint(r io.Reader, replay func(pos uint64, rec *Record) error) (*checkpoint, error) {
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
			if err := json.Unmarshal(b, &m); err != nil || m.Mark == nil || *m.Mark > c.header.Positions || *m.Mark < c.from() {
				return nil, fmt.Errorf("corrupt checkpoint: line %d: bad mark", line)
			}
			c.mark = m
			for p := range c.above {
				if p < *m.Mark {
					delete(c.above, p)
				}
			}
		case bytes.HasPrefix(b, []byte(`{"pos":`)):
			var jr journalRecord
			if err := json.Unmarshal(b, &jr); err != nil {
				return nil, fmt.Errorf("corrupt checkpoint: line %d: %v", line, err)
			}
			if err := jr.Record.check(); err != nil {
				return nil, fmt.Errorf("corrupt checkpoint: line %d: %v", line, err)
			}
			if jr.Pos >= c.header.Positions {
				return nil, fmt.Errorf("corrupt checkpoint: line %d: position %d past the end (%d)", line, jr.Pos, c.header.Positions)
			}
			if _, dup := c.above[jr.Pos]; dup || jr.Pos < c.from() {
				return nil, fmt.Errorf("corrupt checkpoint: line %d: position %d recorded twice", line, jr.Pos)
			}
			c.above[jr.Pos] = struct{}{}
			c.records++
			if replay != nil {
				if err := replay(jr.Pos, &jr.Record); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf("corrupt checkpoint: line %d is neither a record nor a mark", line)
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

// createJournal starts a new checkpoint file with its header, synced
// before any probe is sent.
func createJournal(path string, h checkpointHeader) (*journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(h)
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return &journal{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// appendJournal reopens a checkpoint to continue it, dropping a last
// line cut short.
func appendJournal(path string, size int64) (*journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(size, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &journal{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
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
