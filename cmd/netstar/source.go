// Loading a program: reading its source within a size limit and with
// Ctrl-C working, telling Python from netstar's Starlark, and
// translating Python in memory so that `netstar FILE.py` runs the file
// as written.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/translate"
)

// maxSource is the largest program netstar reads. A course script is a
// few kilobytes; anything near this is not a program (a disk image,
// /dev/zero), and reading on would only grow memory.
const maxSource = 64 << 20

// errTooLarge is returned by readSource for a source over maxSource.
var errTooLarge error = tooLargeError{}

// tooLargeError is errTooLarge's type: its text is worded in the
// locale's language when it is shown, not when the package starts.
type tooLargeError struct{}

func (tooLargeError) Error() string { return i18n.T("cli.tooLarge", maxSource>>20) }

// readSource reads all of f, refusing more than limit bytes, and
// returns ctx's error as soon as ctx is done (Ctrl-C). A regular file
// larger than limit is refused before anything is read; an endless one
// (/dev/zero, a pipe that never ends) after limit bytes, so memory stays
// bounded. The read runs in its own goroutine because a blocked read of
// a pipe cannot be interrupted: after Ctrl-C the command exits and takes
// it along.
func readSource(ctx context.Context, f *os.File, limit int64) ([]byte, error) {
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		return nil, errTooLarge
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		// Chunks are kept apart and joined once at the end, so an
		// endless source costs limit bytes before it is refused, not
		// the doubling of one growing buffer.
		var chunks [][]byte
		var total int64
		for {
			if err := ctx.Err(); err != nil {
				done <- result{nil, err}
				return
			}
			chunk := make([]byte, 1<<20)
			n, err := io.ReadFull(f, chunk)
			total += int64(n)
			if total > limit {
				done <- result{nil, errTooLarge}
				return
			}
			chunks = append(chunks, chunk[:n])
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				// Never nil: an empty program is still a program.
				done <- result{append([]byte{}, bytes.Join(chunks, nil)...), nil}
				return
			}
			if err != nil {
				done <- result{nil, err}
				return
			}
		}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// language is what a source is written in.
type language int

const (
	langStarlark language = iota
	langPython
	// langSniff: decide from the text (stdin, `-`, a file that is
	// neither .py nor .star).
	langSniff
)

// languageOf decides by the file's extension.
func languageOf(filename string) language {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".py", ".pyw":
		return langPython
	case ".star", ".bzl", ".sky":
		return langStarlark
	}
	return langSniff
}

// parsesAsStarlark reports whether src is netstar's Starlark as it is.
func parsesAsStarlark(filename string, src []byte) bool {
	_, err := interp.Parse(filename, src)
	return err == nil
}

// translatePython translates Python source in memory; it stops with
// ctx's error when ctx is done (Ctrl-C).
func translatePython(ctx context.Context, filename string, src []byte) (translate.Result, error) {
	res, err := translate.PythonContext(ctx, filename, src)
	if ctx.Err() != nil {
		return translate.Result{}, ctx.Err()
	}
	return res, err
}

// nulError reports a NUL byte in src as Python does (a file holding one
// is not a text file; Starlark's scanner would silently stop at it).
func nulError(filename string, src []byte) error {
	i := bytes.IndexByte(src, 0)
	if i < 0 {
		return nil
	}
	line := bytes.Count(src[:i], []byte("\n")) + 1
	return fmt.Errorf("%s:%d: SyntaxError: source code cannot contain null bytes", filename, line)
}

// formatPythonError writes a Python syntax error as Python shows it:
// the file and line, the line itself with a caret under the column, and
// the message.
func formatPythonError(w io.Writer, err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var se *translate.SyntaxError
		if !errors.As(e, &se) {
			fmt.Fprintf(w, "netstar: %v\n", e)
			continue
		}
		fmt.Fprintf(w, "  File \"%s\", line %d\n", se.Filename, se.Line)
		if text := strings.TrimRight(se.Text, "\r\n"); strings.TrimSpace(text) != "" {
			trimmed := strings.TrimLeft(text, " \t")
			fmt.Fprintf(w, "    %s\n", trimmed)
			if col := se.Col - 1 - (len(text) - len(trimmed)); se.Col > 0 && col >= 0 && col <= len(trimmed) {
				fmt.Fprintf(w, "    %s^\n", strings.Repeat(" ", col))
			}
		}
		fmt.Fprintln(w, se.PythonMessage())
	}
}

// todoAdvice says, for each section of the guide, the catalogue's key
// of what to write instead of the construct netstar cannot run.
var todoAdvice = map[string]string{
	"try":        "todo.advice.try",
	"classes":    "todo.advice.classes",
	"modules":    "todo.advice.modules",
	"global":     "todo.advice.global",
	"builtins":   "todo.advice.builtins",
	"formatting": "todo.advice.formatting",
	"with":       "todo.advice.with",
}

// reportTODOs explains why a Python program does not run: for each
// construct netstar cannot translate, the Python line, why, and what to
// write instead.
func reportTODOs(w io.Writer, filename string, src []byte, todos []translate.TODO) {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	io.WriteString(w, i18n.T("todo.header", filename))
	for _, t := range todos {
		fmt.Fprintf(w, "\n%s:%d:", filename, t.Line)
		if t.Line >= 1 && t.Line <= len(lines) {
			fmt.Fprintf(w, " %s", strings.TrimSpace(lines[t.Line-1]))
		}
		fmt.Fprintf(w, "\n    %s\n", t.Reason)
		if key, ok := todoAdvice[t.Section]; ok {
			io.WriteString(w, i18n.T("todo.instead", i18n.T(key)))
		}
		io.WriteString(w, i18n.T("todo.see", translate.Guide, t.Section))
	}
}

// dropHeader removes the translator's header comment and the blank line
// after it, so that the lines of the program netstar runs are the lines
// of the Python file, as far as the translation keeps them: an error
// then names the student's line.
func dropHeader(code string) string {
	first, rest, ok := strings.Cut(code, "\n")
	if !ok || !strings.HasPrefix(first, "#") || !strings.Contains(first, "netstar translate") {
		return code
	}
	if after, ok := strings.CutPrefix(rest, "\n"); ok {
		return after
	}
	return rest
}
