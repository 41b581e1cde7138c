package scancmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netstar/netstar/modules/socket/resolve"
	"github.com/netstar/netstar/modules/socket/scan"
)

// scanRun is one execution of netstar scan.
type scanRun struct {
	cfg    *config
	stdout io.Writer
	stderr io.Writer

	sinks   []sink
	closers []io.Closer
	journal *journal
	// ckptFile is the --resume file, locked, until the journal owns it.
	ckptFile *os.File
	tracker  tracker
	prev     markLine // counters of earlier runs, from the checkpoint
	written  uint64
	info     runInfo // for the outputs' headers

	// failed lists the target names that did not resolve; others maps a
	// name to its addresses not scanned.
	failed []string
	others map[string][]netip.Addr

	// mu guards the outputs and the journal between the sink and the
	// flusher; dirty says records were written since the last flush.
	mu       sync.Mutex
	dirty    bool
	flushErr error
	live     scan.Counters // this run's, for the checkpoint's marks
}

// startFlusher flushes the outputs and marks the checkpoint every
// markEvery while records arrive, so that a slow scan's results reach a
// pipe or a file as they are found, not when a buffer fills. The
// returned function stops it.
func (s *scanRun) startFlusher(positions uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	// -v: a status line every statusEvery (-vv: every fifth of it) when
	// stderr is not a terminal (a terminal has the progress bar).
	every := time.Duration(0)
	if s.cfg.verbose > 0 && !isTerminal(s.stderr) {
		every = statusEvery
		if s.cfg.verbose > 1 {
			every /= 5
		}
	}
	wg.Go(func() {
		t := time.NewTicker(markEvery)
		defer t.Stop()
		lastStatus := time.Now()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			s.mu.Lock()
			if s.dirty && s.flushErr == nil {
				s.dirty = false
				s.flushErr = s.checkpoint(s.live.Stats(), false)
			}
			if every > 0 && time.Since(lastStatus) >= every {
				lastStatus = time.Now()
				st := s.live.Stats()
				pct := 100.0
				if positions > 0 {
					pct = 100 * float64(s.written) / float64(positions)
				}
				fmt.Fprintf(s.stderr, "netstar scan: %.1f%% done: %d of %d probes recorded; this run: %d open, %d closed, %d filtered, %d sent, %d retries\n",
					pct, s.written, positions, st.Open, st.Closed, st.Filtered, st.Sent, st.Retries)
			}
			s.mu.Unlock()
		}
	})
	return func() { close(done); wg.Wait() }
}

// statusEvery is how often -v writes a status line (-vv: five times as
// often).
var statusEvery = 10 * time.Second

// tracker follows the lowest position not yet recorded.
type tracker struct {
	next  uint64
	above map[uint64]struct{}
	// bits, when not nil, holds the positions a damaged checkpoint
	// holds (read only: the engine reads it too), and count the walk's
	// size; above holds those recorded since.
	bits  []uint64
	count uint64
}

func (t *tracker) done(pos uint64) {
	if pos != t.next {
		t.above[pos] = struct{}{}
		return
	}
	t.next++
	for t.bits == nil || t.next < t.count {
		if t.bits != nil && bitSet(t.bits, t.next) {
			t.next++
			continue
		}
		if _, ok := t.above[t.next]; !ok {
			return
		}
		delete(t.above, t.next)
		t.next++
	}
}

// maxRepairPositions is the largest walk whose damaged checkpoint is
// repaired: it takes a bit per position (256 MiB at most).
const maxRepairPositions = 1 << 31

func (s *scanRun) run(ctx context.Context) (int, error) {
	c := s.cfg
	start := time.Now()
	defer s.closeAll()

	// The checkpoint, locked for this run, decides the seed when none is
	// given.
	var header *checkpointHeader
	if c.resume != "" {
		f, err := openCheckpoint(c.lang, c.resume)
		if err != nil {
			return ExitUsage, err
		}
		s.ckptFile = f
		if header, err = readHeader(f); err != nil {
			return ExitUsage, fmt.Errorf("--resume %s: %w", c.resume, err)
		}
		if header != nil && !c.seedSet {
			c.seed, c.seedSet = header.Seed, true
		}
	}
	if !c.seedSet {
		if !c.shard.Whole() {
			return ExitUsage, errors.New(c.lang.T("scan.shardNeedsSeed", c.shard))
		}
		c.seed = randomSeed()
	}
	canonical := c.canonical()
	var resolver resolve.Resolver
	if c.resolver != "" {
		var err error
		if resolver, _, err = resolve.ForServer(c.resolver); err != nil {
			return ExitUsage, fmt.Errorf("%s: %w", resolve.EnvResolver, err)
		}
	}
	if err := s.resolveTargets(ctx, resolver); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.interruptedResolving"))
			return ExitInterrupted, nil
		}
		return ExitFailure, err
	}
	positions, err := scan.Positions(c.targets, c.exclude, c.ports, c.shard)
	if err != nil {
		return ExitUsage, err
	}
	var ckpt *checkpoint
	var verify func(pos uint64, r *Record) error
	if header != nil {
		if header.Args != argsHash(canonical) {
			return ExitUsage, errors.New(c.lang.T("scan.resumeOtherArgs", c.resume, header.Command, canonical))
		}
		if header.Positions != positions {
			return ExitUsage, errors.New(c.lang.T("scan.resumeOtherCount", c.resume, header.Positions, positions))
		}
		// Every record must be what the walk probes at its position:
		// a record edited, forged or from another scan is dropped and
		// its position probed again.
		w, err := newWalk(c.targets, c.exclude, c.ports, c.shard, c.seed)
		if err != nil {
			return ExitUsage, err
		}
		if w.count != positions {
			return ExitFailure, fmt.Errorf("internal error: the walk holds %d probes, the engine counts %d", w.count, positions)
		}
		verify = func(pos uint64, r *Record) error {
			if r.Seed != header.Seed || r.Shard != header.Shard {
				return errors.New(c.lang.T("scan.recordOtherSeed", pos, r.Seed, cmp.Or(r.Shard, "all"), header.Seed, cmp.Or(header.Shard, "all")))
			}
			return w.check(c.lang, pos, r)
		}
		// A first reading checks the journal, before any output is
		// written or probe sent.
		ckpt, err = readCheckpoint(io.NewSectionReader(s.ckptFile, 0, 1<<62), readOptions{lang: c.lang, verify: verify})
		if err != nil {
			return ExitUsage, fmt.Errorf("--resume %s: %w", c.resume, err)
		}
		if ckpt.damaged() {
			for _, n := range ckpt.notes {
				fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.resumeWarning", c.resume, n))
			}
			problems := int(ckpt.dropped)
			if ckpt.lying {
				problems++
			}
			if extra := problems - len(ckpt.notes); extra > 0 {
				fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.resumeMoreDropped", c.resume, extra))
			}
			if positions > maxRepairPositions {
				return ExitUsage, errors.New(c.lang.T("scan.repairTooLarge", c.resume, positions, uint64(maxRepairPositions)))
			}
		}
	}

	// Outputs, before any probe: an unwritable path is a usage error.
	s.info = runInfo{command: "netstar scan", args: c.args, start: start, ports: c.ports, openOnly: c.openOnly, reason: c.reason,
		verbose: c.verbose, shard: c.shard.String(), seed: c.seed, others: s.others, failed: s.failed, noPing: !c.discover, up: newUpHosts()}
	if err := s.openOutputs(ctx); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.interruptedOpening"))
			return ExitInterrupted, nil
		}
		return ExitUsage, err
	}
	s.tracker.above = map[uint64]struct{}{}
	opt := scan.StreamOptions{Exclude: c.exclude, Counters: &s.live, Up: s.info.up.add}
	// doneSkipped counts the positions the engine skips because the
	// checkpoint holds them, to tell them from those of hosts found down.
	var doneSkipped atomic.Uint64
	repaired := false // the checkpoint was damaged: never "complete"
	if ckpt != nil && !ckpt.damaged() {
		// Replay what the checkpoint holds into the new outputs.
		var err error
		ckpt, err = readCheckpoint(io.NewSectionReader(s.ckptFile, 0, 1<<62), readOptions{lang: c.lang, verify: verify, replay: func(pos uint64, r *Record) error {
			s.written++
			return s.emit(r)
		}})
		if err != nil {
			return ExitFailure, fmt.Errorf("--resume %s: %w", c.resume, err)
		}
		s.prev = ckpt.mark
		s.tracker.next = ckpt.from()
		for p := range ckpt.above {
			s.tracker.above[p] = struct{}{}
		}
		above := ckpt.above
		opt.From = ckpt.from()
		opt.Done = func(pos uint64) bool {
			_, ok := above[pos]
			if ok {
				doneSkipped.Add(1)
			}
			return ok
		}
		if s.journal, err = appendJournal(s.ckptFile, ckpt.size); err != nil {
			return ExitUsage, fmt.Errorf("--resume %s: %w", c.resume, err)
		}
		s.ckptFile = nil // the journal owns it
		fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.resuming", c.resume, ckpt.records, positions))
	} else if ckpt != nil {
		// A damaged checkpoint: its records are kept by position (the
		// first of each), written into a new journal that replaces it,
		// and every position without one is probed again.
		repaired = true
		bits := make([]uint64, (positions+63)/64)
		var err error
		rj, err := startRepair(c.resume, *header)
		if err != nil {
			return ExitUsage, fmt.Errorf("--resume %s: %w", c.resume, err)
		}
		s.journal = rj
		ckpt, err = readCheckpoint(io.NewSectionReader(s.ckptFile, 0, 1<<62), readOptions{lang: c.lang, verify: verify, bits: bits, replay: func(pos uint64, r *Record) error {
			s.written++
			if err := rj.record(pos, r); err != nil {
				return err
			}
			return s.emit(r)
		}})
		if err != nil {
			return ExitFailure, fmt.Errorf("--resume %s: %w", c.resume, err)
		}
		s.prev = ckpt.mark
		s.tracker.bits, s.tracker.count = bits, positions
		for s.tracker.next < positions && bitSet(bits, s.tracker.next) {
			s.tracker.next++
		}
		opt.From = s.tracker.next
		opt.Done = func(pos uint64) bool {
			ok := bitSet(bits, pos)
			if ok {
				doneSkipped.Add(1)
			}
			return ok
		}
		if err := s.checkpoint(scan.Stats{}, false); err != nil {
			return ExitFailure, err
		}
		if err := rj.replace(c.resume); err != nil {
			return ExitFailure, fmt.Errorf("--resume %s: replacing the damaged checkpoint: %w", c.resume, err)
		}
		s.ckptFile.Close() // the old journal, and its lock
		s.ckptFile = nil
		fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.resumingRepaired", c.resume, ckpt.records, positions, ckpt.dropped, positions-ckpt.records))
	} else if c.resume != "" {
		s.journal, err = createJournal(s.ckptFile, checkpointHeader{Version: checkpointVersion, Args: argsHash(canonical),
			Command: canonical, Seed: c.seed, Shard: c.shard.String(), Positions: positions})
		if err != nil {
			return ExitUsage, fmt.Errorf("--resume %s: %w", c.resume, err)
		}
		s.ckptFile = nil // the journal owns it
	}

	sc := &scan.Scanner{
		Timeout:   c.timeout,
		Retries:   c.retries,
		Workers:   c.workers,
		Banner:    c.banner,
		NoReverse: true,
		Namespace: c.namespace,
		Shard:     c.shard,
		Seed:      c.seed,
		Random:    true,
		Rate:      c.rate,

		Discover:      c.discover,
		PingOnly:      c.pingOnly,
		NoARP:         c.noARP,
		NoICMP:        c.noICMP,
		MinRTTTimeout: c.minRTT,

		InitialRTTTimeout: c.initRTT,
		MaxRTTTimeout:     c.maxRTT,
		HostTimeout:       c.hostTime,
		MinRate:           c.minRate,
	}
	if c.retries == 0 {
		sc.Retries = -1
	}
	sc.Resolver = resolver
	if isTerminal(s.stderr) {
		sc.Progress = s.stderr
	}
	var st scan.Stats
	// The sink runs under the engine's lock, one record at a time, so
	// one Record serves them all. s.mu orders it with the flusher.
	var rec Record
	var clk clock
	shard := c.shard.String()
	opt.Sink = func(r scan.Record) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.flushErr != nil {
			return s.flushErr
		}
		rec = recordOf(r, shard, c.seed, clk.now())
		if s.journal != nil {
			if err := s.journal.record(r.Pos, &rec); err != nil {
				return fmt.Errorf("--resume %s: %w", c.resume, err)
			}
		}
		s.tracker.done(r.Pos)
		s.written++
		s.dirty = true
		if c.verbose > 0 && (r.State == scan.Open || c.verbose > 1 && r.State == scan.Filtered) {
			fmt.Fprintf(s.stderr, "Discovered %s port %d/tcp on %s\n", r.State, r.Port.Port, r.IP)
		}
		return s.emit(&rec)
	}
	if c.verbose > 0 {
		hosts := 0
		for _, t := range c.targets {
			hosts += int(min(t.Len(), 1<<40))
		}
		fmt.Fprintf(s.stderr, "netstar scan: connect scan of %d hosts × %d ports: %d probes in shard %s, seed %d\n",
			hosts, len(c.ports), positions, cmp.Or(shard, "all"), c.seed)
	}
	if ckpt != nil && ckpt.mark.Complete && !repaired && (c.discover || ckpt.records == positions) {
		fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.complete", c.resume))
		st.Positions = positions
	} else {
		stopFlusher := s.startFlusher(positions)
		st, err = sc.Stream(ctx, c.targets, c.ports, opt)
		stopFlusher()
		err = c.locate(err)
		// Every probe of the shard has its one record, or its host was
		// found down: else the scan is not complete.
		if down := st.Skipped - min(st.Skipped, doneSkipped.Load()); err == nil && !c.pingOnly && s.written+down != positions {
			err = errors.New(c.lang.T("scan.incomplete", s.written, positions, down))
		}
	}
	complete := err == nil
	interrupted := ctx.Err() != nil
	// Whatever happened, leave consistent outputs and checkpoint.
	if cerr := s.checkpoint(st, complete); cerr != nil && err == nil {
		err = cerr
	}
	a := s.audit(st, complete)
	info := s.info
	info.end = time.Now()
	info.noPing = !c.discover
	info.hostsTotal, info.hostsUp = int(st.Hosts), int(st.HostsUp)
	if !c.discover {
		info.hostsUp = info.hostsTotal // nmap -Pn: every host is up, user-set
	}
	for _, k := range s.sinks {
		if ferr := k.finish(info, a); ferr != nil && err == nil {
			err = fmt.Errorf("writing output: %w", ferr)
		}
	}
	s.summary(st, a)
	switch {
	case interrupted:
		if c.resume != "" {
			fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.interruptedResume", c.resume))
		} else {
			fmt.Fprintf(s.stderr, "netstar scan: %s\n", c.lang.T("scan.interruptedNoResume"))
		}
		return ExitInterrupted, nil
	case err != nil:
		return ExitFailure, err
	case len(s.failed) > 0:
		fmt.Fprintf(s.stderr, "netstar scan: %s not scanned: %s did not resolve (exit status %d)\n",
			plural(len(s.failed), "target", "targets"), quoteList(s.failed), ExitPartial)
		return ExitPartial, nil
	}
	return ExitOK, nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func (s *scanRun) emit(r *Record) error {
	for _, k := range s.sinks {
		if err := k.add(r); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	return nil
}

// checkpoint flushes the outputs and records the position reached.
func (s *scanRun) checkpoint(st scan.Stats, complete bool) error {
	for _, k := range s.sinks {
		if err := k.flush(); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	if s.journal == nil {
		return nil
	}
	pos, records := s.tracker.next, s.written
	m := markLine{Mark: &pos, Records: &records, Sent: s.prev.Sent + st.Sent, Retries: s.prev.Retries + st.Retries,
		LocalErrors: s.prev.LocalErrors + st.LocalErrors, Drops: s.prev.Drops + st.Drops, Complete: complete}
	if err := s.journal.mark(m); err != nil {
		return fmt.Errorf("--resume %s: %w", s.cfg.resume, err)
	}
	return nil
}

func (s *scanRun) audit(st scan.Stats, complete bool) audit {
	return audit{
		Shard:       s.cfg.shard.String(),
		Seed:        s.cfg.seed,
		Probes:      s.written,
		Sent:        s.prev.Sent + st.Sent,
		Retries:     s.prev.Retries + st.Retries,
		LocalErrors: s.prev.LocalErrors + st.LocalErrors,
		Drops:       s.prev.Drops + st.Drops,
		Complete:    complete,
	}
}

func (s *scanRun) summary(st scan.Stats, a audit) {
	shard := a.Shard
	if shard == "" {
		shard = "all"
	}
	rate := 0.0
	if secs := st.Elapsed.Seconds(); secs > 0 {
		rate = float64(st.Decided()) / secs
	}
	fmt.Fprintf(s.stderr, "netstar scan: shard %s seed %d: %d of %d probes recorded (this run: %d open, %d closed, %d filtered in %.2f s, %.0f probes/s); %d sent, %d retries, %d local errors, %d drops\n",
		shard, a.Seed, a.Probes, st.Positions, st.Open, st.Closed, st.Filtered, st.Elapsed.Seconds(), rate, a.Sent, a.Retries, a.LocalErrors, a.Drops)
}

// openOutputs creates the output files (so that an unwritable path
// fails before any probe) and their sinks.
func (s *scanRun) openOutputs(ctx context.Context) error {
	c := s.cfg
	open := func(flag, path string) (io.Writer, *os.File, error) {
		if path == "-" {
			return s.stdout, nil, nil
		}
		// Locked before it is emptied: a second scan writing to the
		// same file is refused, and leaves the first's output whole.
		f, err := openCancellable(ctx, func() (*os.File, error) { return openLocked(c.lang, flag, path, os.O_WRONLY) })
		if err != nil {
			return nil, nil, err
		}
		s.closers = append(s.closers, f)
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if err := f.Truncate(0); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", flag, err)
			}
		}
		return f, f, nil
	}
	if c.oJ == "" && c.oX == "" && c.oG == "" && c.oN == "" {
		c.oJ = "-"
	}
	if c.oJ != "" {
		w, _, err := open("-oJ", c.oJ)
		if err != nil {
			return err
		}
		var k sink = newJSONL(w)
		if c.openOnly {
			k = openSink{k}
		}
		s.sinks = append(s.sinks, k)
	}
	// The grouped formats share one table and one chunk of records not
	// yet streamed: the first fills them.
	var table *hostTable
	ch := &chunk{pending: newHostTable(), written: time.Now()}
	for _, o := range []struct {
		flag, path string
		format     groupedFormat
	}{
		{"-oX", c.oX, xmlFormat{}},
		{"-oG", c.oG, grepFormat{}},
		{"-oN", c.oN, normalFormat{}},
	} {
		if o.path == "" {
			continue
		}
		w, f, err := open(o.flag, o.path)
		if err != nil {
			return err
		}
		fill := table == nil
		if fill {
			table = newHostTable()
		}
		s.sinks = append(s.sinks, newGroupedSink(o.format, table, fill, w, f, o.path, ch, s.info))
	}
	return nil
}

// openCancellable runs open, which may wait (a FIFO waits for its
// reader), and returns ctx's error as soon as ctx is done; a file
// opened after that is closed.
func openCancellable(ctx context.Context, open func() (*os.File, error)) (*os.File, error) {
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := open()
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.f, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.f != nil {
				r.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

func (s *scanRun) closeAll() {
	if s.journal != nil {
		s.journal.close()
	}
	if s.ckptFile != nil {
		s.ckptFile.Close()
	}
	for _, c := range s.closers {
		c.Close()
	}
}

// locate prefixes a failure to resolve a name from -iL with the file and
// line the name came from.
func (c *config) locate(err error) error {
	var re *scan.ResolveError
	if !errors.As(err, &re) {
		return err
	}
	if at, ok := c.where[strings.TrimSuffix(re.Name, ".")]; ok {
		return fmt.Errorf("%s: %w", at, err)
	}
	return err
}
