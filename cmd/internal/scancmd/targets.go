package scancmd

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/netstar/netstar/builtins/i18n"
	"io"
	"strings"

	"github.com/netstar/netstar/modules/socket/scan"
)

// maxLine is the longest line a target list may have.
const maxLine = 64 << 10

// parseTargetList reads a target list in nmap's -iL form: items
// separated by spaces, tabs, commas or newlines, each a host name, an
// address, a CIDR block, a range or an nmap octet pattern such as
// 10.0.0.1-3,5 (see scan.ParseTargets and scan.SplitTargets); "#" starts
// a comment that runs to the end of the line. budget is the most hosts
// the list may add, limit the --max-hosts an error names; it returns the
// targets and the hosts they hold.
// Errors name the file and the line. When where is not nil, it maps each
// host name in the list to its "FILE:LINE", for errors found later (a
// name that does not resolve).
func parseTargetList(lang i18n.Lang, r io.Reader, name string, budget, limit uint64, where map[string]string) ([]scan.Target, uint64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	var out []scan.Target
	var total uint64
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		ts, n, err := parseTargetItems(lang, text, budget-total, limit)
		if err != nil {
			return nil, 0, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		for _, t := range ts {
			if _, seen := where[t.Name]; t.Name != "" && where != nil && !seen {
				where[t.Name] = fmt.Sprintf("%s:%d", name, line)
			}
		}
		out = append(out, ts...)
		total += n
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, 0, fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, maxLine)
		}
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	return out, total, nil
}

// parseTargetItems parses one line or argument of targets within budget
// hosts; limit is the whole scan's --max-hosts, which an error names
// (budget is what is left of it).
func parseTargetItems(lang i18n.Lang, spec string, budget, limit uint64) ([]scan.Target, uint64, error) {
	var out []scan.Target
	var total uint64
	for _, item := range scan.SplitTargets(spec) {
		if !isPrintable(item) {
			return nil, 0, fmt.Errorf("invalid target %q: not a host name, IP address, CIDR block or range", item)
		}
		ts, err := scan.ParseTargets(item, int(min(budget-total, 1<<62)))
		if err != nil || budget-total == 0 {
			if err == nil || strings.Contains(err.Error(), "expands to more than") {
				return nil, 0, errors.New(lang.T("scan.budget", item, limit))
			}
			return nil, 0, err
		}
		for _, t := range ts {
			total += t.Len()
		}
		out = append(out, ts...)
	}
	return out, total, nil
}

func isPrintable(s string) bool {
	for _, c := range s {
		if c < 0x21 || c == 0x7f || c == 0xfffd {
			return false
		}
	}
	return true
}
