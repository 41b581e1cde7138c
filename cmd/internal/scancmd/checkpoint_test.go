package scancmd

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCheckpointErrors: a checkpoint that is damaged beyond a kill's
// cut is refused before any probe (exit 2) with what is wrong in the
// file's terms (its line, field, value and what it should be), never
// with Go's type names.
func TestCheckpointErrors(t *testing.T) {
	port, accepted := countingListener(t)
	args := []string{"127.0.0.1", "-p", strconv.Itoa(port), "-Pn", "--seed", "1"}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ckpt")
	if code, _, errs := runScan(t, nil, append(args, "--resume", good, "-oJ", filepath.Join(dir, "o.jsonl"))...); code != 0 {
		t.Fatal(errs)
	}
	data, _ := os.ReadFile(good)
	header, _, _ := strings.Cut(string(data), "\n")
	rec := `{"pos":0,"ip":"127.0.0.1","port":` + strconv.Itoa(port) + `,"proto":"tcp","state":"closed","reason":"ECONNREFUSED","rtt":0.0001,"seed":1,"time":"2026-12-06T00:00:00Z"}`
	tests := []struct {
		name, body, want string
	}{
		{"pos a string", strings.Replace(rec, `"pos":0`, `"pos":"zero"`, 1), `line 2 (a record): field "pos" is a string: want a whole number, 0 or more`},
		{"pos negative", strings.Replace(rec, `"pos":0`, `"pos":-1`, 1), `line 2 (a record): field "pos" is -1: want a whole number, 0 or more`},
		{"pos past the end", strings.Replace(rec, `"pos":0`, `"pos":5`, 1), `line 2: field "pos" is 5, past the end of the walk: want 0-0`},
		{"port a string", strings.Replace(rec, `"port":`+strconv.Itoa(port), `"port":"1"`, 1), `line 2 (a record): field "port" is a string: want a whole number`},
		{"port 0", strings.Replace(rec, `"port":`+strconv.Itoa(port), `"port":0`, 1), `line 2 (a record): field "port" is 0: want a port, 1-65535`},
		{"ip a number", strings.Replace(rec, `"ip":"127.0.0.1"`, `"ip":127`, 1), `line 2 (a record): field "ip" is a number: want a string`},
		{"ip not an address", strings.Replace(rec, `"ip":"127.0.0.1"`, `"ip":"localhost"`, 1), `line 2 (a record): field "ip" is "localhost": want an IP address`},
		{"state unknown", strings.Replace(rec, `"state":"closed"`, `"state":"shut"`, 1), `field "state" is "shut": want open, closed or filtered`},
		{"not JSON", rec[:40] + "}", `line 2 (a record): not a whole JSON object`},
		{"mark a string", `{"mark":"all","sent":1}`, `line 2 (a mark): field "mark" is a string: want a whole number, 0 or more`},
		{"mark null", `{"mark":null}`, `line 2 (a mark): field "mark" is null`},
		{"mark past the end", `{"mark":7}`, `line 2: the mark 7 is past the end of the walk (1 probes)`},
		{"complete a number", `{"mark":0,"complete":1}`, `line 2 (a mark): field "complete" is a number: want true or false`},
		{"another line", `{"hello":1}`, `line 2 is neither a record ({"pos":...}) nor a mark ({"mark":...})`},
		{"header", "", `line 1 (its header): field "seed" is a string: want a whole number, 0 or more`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ck := filepath.Join(t.TempDir(), "c.ckpt")
			body := header + "\n" + tt.body + "\n"
			if tt.body == "" {
				body = strings.Replace(header, `"seed":1`, `"seed":"one"`, 1) + "\n"
			}
			os.WriteFile(ck, []byte(body), 0o644)
			before := accepted.Load()
			code, _, errs := runScan(t, nil, append(args, "--resume", ck, "-oJ", os.DevNull)...)
			if code != ExitUsage || !strings.Contains(errs, "--resume "+ck+": ") || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, want %d and %q:\n%s", code, ExitUsage, tt.want, errs)
			}
			for _, goName := range []string{"Go struct", "uint64", "journalRecord", "markLine", "unmarshal"} {
				if strings.Contains(errs, goName) {
					t.Errorf("the error shows Go's %q:\n%s", goName, errs)
				}
			}
			if accepted.Load() != before {
				t.Error("probed before refusing the checkpoint")
			}
		})
	}
}
