package translate

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/netstar/netstar/builtins/i18n"
)

// Cell is one step of a notebook or script: its Python source and its
// netstar translation.
type Cell struct {
	// Number is the cell's position in the notebook (1-based, counting
	// markdown cells too), or the step number of a script.
	Number int
	// Markdown is set for a markdown (or raw) cell: Python holds its text
	// and Code is empty.
	Markdown bool
	Python   string
	Code     string
	TODOs    []TODO
	// Err is the cell's syntax error, if any; Code is then empty.
	Err error
}

// notebookJSON is the part of nbformat 4 the translator reads.
type notebookJSON struct {
	Cells    *[]cellJSON `json:"cells"`
	Nbformat int         `json:"nbformat"`
}

type cellJSON struct {
	CellType string          `json:"cell_type"`
	Source   json.RawMessage `json:"source"`
}

// NotebookCells parses a Jupyter notebook (nbformat 4) and translates its
// code cells in order, as one program whose globals carry from one cell
// to the next. A cell with a syntax error has Err set and the others are
// still translated; the returned error is then the cells' errors joined.
// A file that is not a notebook is an error and no cells.
func NotebookCells(filename string, src []byte) ([]Cell, error) {
	var nb notebookJSON
	if err := json.Unmarshal(src, &nb); err != nil {
		return nil, errors.New(i18n.T("translate.nb.json", filename, err))
	}
	if nb.Cells == nil {
		return nil, errors.New(i18n.T("translate.nb.noCellList", filename))
	}
	if nb.Nbformat != 4 {
		return nil, errors.New(i18n.T("translate.nb.format", filename, nb.Nbformat))
	}
	if len(*nb.Cells) == 0 {
		return nil, errors.New(i18n.T("translate.nb.empty", filename))
	}
	var cells []Cell
	for i, c := range *nb.Cells {
		text, err := cellSource(c.Source)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", i18n.T("translate.nb.cell", filename, i+1), err)
		}
		cells = append(cells, Cell{Number: i + 1, Markdown: c.CellType != "code", Python: text})
	}
	err := translateCells(filename, cells, true)
	return cells, err
}

// cellSource reads a cell's source: a string or a list of strings.
func cellSource(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", errors.New(i18n.T("translate.nb.source"))
	}
	return strings.Join(list, ""), nil
}

// ScriptCells splits a Python script into steps for `netstar step`: the
// top-level statements, grouped in the paragraphs blank lines make, each
// with the comments above it. Each step is translated; globals carry
// from one step to the next.
func ScriptCells(filename string, src []byte) ([]Cell, error) {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	mod, info, err := parsePython(filename, text)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(text, "\n")
	// Step boundaries: the first line (comments included) of each
	// top-level statement that follows a blank line.
	var starts []int
	for i, s := range mod.Body {
		l := s.GetLineno()
		first := l
		for first > 1 && info[first-1].commentOnly {
			first--
		}
		if i == 0 {
			starts = append(starts, 1)
			continue
		}
		if first > 1 && info[first-1].blank {
			starts = append(starts, first)
		}
	}
	var cells []Cell
	for k, start := range starts {
		end := len(lines)
		if k+1 < len(starts) {
			end = starts[k+1] - 1
		}
		chunk := strings.Join(lines[start-1:end], "\n")
		if strings.TrimSpace(chunk) == "" {
			continue
		}
		cells = append(cells, Cell{Number: len(cells) + 1, Python: strings.TrimRight(chunk, "\n") + "\n"})
	}
	err = translateCells(filename, cells, false)
	return cells, err
}

var (
	shellMagicRE = regexp.MustCompile(`^\s*!`)
	timeMagicRE  = regexp.MustCompile(`^(\s*)%(time|timeit|prun)\s+(.*)$`)
	lineMagicRE  = regexp.MustCompile(`^\s*%[A-Za-z]`)
	helpMagicRE  = regexp.MustCompile(`^\s*(\?\??[\w.]+|[\w.]+\?\??)\s*$`)
	cellMagicRE  = regexp.MustCompile(`^\s*%%(\w+)`)
)

// stripMagics turns IPython magics into comments, line for line: shell
// escapes (!pip install ...), line magics (%matplotlib), help (x?); the
// timing magics (%time stmt) keep their statement. A cell magic other
// than %%time makes the whole cell not Python (reported by the caller).
func stripMagics(src string) (string, string) {
	lines := strings.Split(src, "\n")
	_, info := scanSource(src)
	for i, l := range lines {
		if i > 0 && i < len(info) && info[i].continues {
			continue // a continuation line, not the start of a statement
		}
		switch {
		case i == 0 && cellMagicRE.MatchString(l):
			name := cellMagicRE.FindStringSubmatch(l)[1]
			if name != "time" && name != "timeit" && name != "capture" {
				return "", name
			}
			lines[i] = "# " + strings.TrimSpace(l) + "  " + i18n.T("translate.magic")
		case shellMagicRE.MatchString(l):
			lines[i] = leadingSpace(l) + "# " + strings.TrimSpace(l) + "  " + i18n.T("translate.shell")
		case timeMagicRE.MatchString(l):
			m := timeMagicRE.FindStringSubmatch(l)
			lines[i] = m[1] + m[3] + "  # %" + m[2]
		case lineMagicRE.MatchString(l) || helpMagicRE.MatchString(l) && strings.Contains(l, "?"):
			lines[i] = leadingSpace(l) + "# " + strings.TrimSpace(l) + "  " + i18n.T("translate.magic")
		}
	}
	return strings.Join(lines, "\n"), ""
}

// translateCells translates the code cells of a notebook (or the steps
// of a script) as one program.
func translateCells(filename string, cells []Cell, notebook bool) error {
	var units []*unit
	var idx []int
	var errs []error
	for i := range cells {
		c := &cells[i]
		if c.Markdown {
			continue
		}
		src := c.Python
		if notebook {
			var magic string
			src, magic = stripMagics(src)
			if magic != "" {
				c.Code = commentOut(c.Python)
				t := TODO{Cell: c.Number, Line: 1, Reason: i18n.T("translate.todo.cellMagic", magic), Section: secOther}
				c.Code = i18n.T("translate.todoLine", t.Reason, Guide, t.Section) + "\n" + c.Code
				c.TODOs = append(c.TODOs, t)
				continue
			}
		}
		mod, info, err := parsePython(filename, src)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) && notebook {
				se.Cell = c.Number
			}
			c.Err = err
			errs = append(errs, err)
			continue
		}
		units = append(units, &unit{cell: c.Number, lines: splitLines(src), info: info, mod: mod})
		idx = append(idx, i)
	}
	codes, todos := translateUnits(filename, units)
	for k, i := range idx {
		cells[i].Code = codes[k]
		for _, t := range todos {
			if t.Cell == cells[i].Number {
				cells[i].TODOs = append(cells[i].TODOs, t)
			}
		}
	}
	return errors.Join(errs...)
}

func commentOut(src string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
	return b.String()
}

// Notebook translates a Jupyter notebook (nbformat 4) to one netstar
// program: code cells in order under "# --- cell N ---" headers,
// markdown cells as comments, IPython magics as comments. A cell with a
// syntax error is kept as a comment and reported in the error (with its
// cell, line and column); the other cells are still translated, so the
// Result is useful even then.
func Notebook(filename string, src []byte) (Result, error) {
	cells, err := NotebookCells(filename, src)
	if cells == nil {
		return Result{}, err
	}
	var b strings.Builder
	b.WriteString(i18n.T("translate.header", baseName(filename)) + "\n")
	var todos []TODO
	for _, c := range cells {
		b.WriteString("\n")
		if c.Markdown {
			if strings.TrimSpace(c.Python) != "" {
				b.WriteString(commentOut(c.Python))
			}
			continue
		}
		b.WriteString(i18n.T("translate.cellHeader", c.Number) + "\n")
		if c.Err != nil {
			fmt.Fprintf(&b, "# ERROR(netstar): %s\n", strings.ReplaceAll(c.Err.Error(), "\n", "\n# "))
			b.WriteString(commentOut(c.Python))
			continue
		}
		b.WriteString(c.Code)
		todos = append(todos, c.TODOs...)
	}
	return Result{Code: b.String(), TODOs: todos}, err
}
