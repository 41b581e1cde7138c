package table_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netstar/netstar/builtins/table"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{"header and rows", []string{"port", "state"}, [][]string{{"22", "open"}, {"80", ""}},
			"┌──────┬───────┐\n│ port │ state │\n├──────┼───────┤\n│ 22   │ open  │\n│ 80   │       │\n└──────┴───────┘\n"},
		{"header kept as given", []string{"Port", "sTaTe"}, [][]string{{"1", "2"}},
			"┌──────┬───────┐\n│ Port │ sTaTe │\n├──────┼───────┤\n│ 1    │ 2     │\n└──────┴───────┘\n"},
		{"no header", nil, [][]string{{"a", "b"}}, "┌───┬───┐\n│ a │ b │\n└───┴───┘\n"},
		{"header only", []string{"h"}, nil, "┌───┐\n│ h │\n└───┘\n"},
		{"nothing", nil, nil, ""},
		{"ragged rows", []string{"a", "b"}, [][]string{{"1"}, {"1", "2", "3"}},
			"┌───┬───┬───┐\n│ a │ b │   │\n├───┼───┼───┤\n│ 1 │   │   │\n│ 1 │ 2 │ 3 │\n└───┴───┴───┘\n"},
		{"wide characters", []string{"x"}, [][]string{{"é😀"}}, "┌─────┐\n│ x   │\n├─────┤\n│ é😀 │\n└─────┘\n"},
		{"long cells are not wrapped", nil, [][]string{{strings.Repeat("w", 120)}}, "┌" + strings.Repeat("─", 122) + "┐\n│ " + strings.Repeat("w", 120) + " │\n└" + strings.Repeat("─", 122) + "┘\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := table.Render(tt.header, tt.rows); got != tt.want {
				t.Errorf("Render =\n%s%q\nwant\n%s%q", got, got, tt.want, tt.want)
			}
		})
	}
}

func ExampleRender() {
	fmt.Print(table.Render([]string{"PORT", "STATE", "SERVICE"}, [][]string{
		{"22", "open", "ssh"},
		{"80", "closed", "http"},
	}))
	// Output:
	// ┌──────┬────────┬─────────┐
	// │ PORT │ STATE  │ SERVICE │
	// ├──────┼────────┼─────────┤
	// │ 22   │ open   │ ssh     │
	// │ 80   │ closed │ http    │
	// └──────┴────────┴─────────┘
}
