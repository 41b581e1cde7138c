// Package table renders rows as a text table with tablewriter's v1 API.
// Every table netstar prints (table(), scan results, resolve results)
// goes through Render so they all look alike.
package table

import (
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Render returns rows drawn as a table under header (nil for none).
// Header cells are shown as given, not upper-cased.
func Render(header []string, rows [][]string) string {
	var sb strings.Builder
	t := tablewriter.NewTable(&sb,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleLight)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	if len(header) > 0 {
		h := make([]any, len(header))
		for i, c := range header {
			h[i] = c
		}
		t.Header(h...)
	}
	for _, r := range rows {
		_ = t.Append(r) // Append fails only for unsupported cell types; cells are strings.
	}
	_ = t.Render() // Rendering into a strings.Builder cannot fail.
	return sb.String()
}
