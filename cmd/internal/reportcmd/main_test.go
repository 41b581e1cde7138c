package reportcmd

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestMain_(t *testing.T) {
	dir := t.TempDir()
	scan := filepath.Join(dir, "scan.jsonl")
	if err := os.WriteFile(scan, []byte(hostileScan()), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"ip\":\"10.0.0.1\",\"port\":1,\"state\":\"open\"}\n{nope\n{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report.html")
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string // a part of stdout
		stderr string // a part of stderr
		file   string // a part of the -o file ("" : no file written)
	}{
		{name: "flags after the input", args: []string{scan, "-o", out}, file: `<td class="n">8080</td>`},
		{name: "flags before, title", args: []string{"--title", "Audit <x>", "-o", out, scan}, file: "<title>Audit &lt;x&gt;</title>"},
		{name: "stdout", args: []string{scan}, stdout: "<!DOCTYPE html>"},
		{name: "stdin", args: []string{"-", "--all"}, stdin: hostileScan(), stdout: `<td class="s-closed">closed</td>`},
		{name: "no input", args: []string{"-o", out}, code: 2, stderr: "no input file"},
		{name: "missing file", args: []string{filepath.Join(dir, "nope.jsonl"), "-o", out}, code: 2, stderr: "nope.jsonl: no such file"},
		{name: "bad input writes nothing", args: []string{bad, "-o", out}, code: 2, stderr: "bad.jsonl:2: bad JSON"},
		{name: "output is an input", args: []string{scan, "-o", scan}, code: 2, stderr: "is also an input"},
		{name: "stdin twice", args: []string{"-", "-"}, code: 2, stderr: "given twice"},
		{name: "unknown flag", args: []string{"-x", scan}, code: 2, stderr: "flag provided but not defined: -x"},
		{name: "unwritable output", args: []string{scan, "-o", filepath.Join(dir, "no", "dir", "r.html")}, code: 1, stderr: "-o "},
		{name: "help", args: []string{"-h"}, code: 0, stderr: "usage: netstar report"},
		{name: "-- ends the flags", args: []string{"--", scan}, stdout: "netstar report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(out)
			var stdout, stderr bytes.Buffer
			code := Main(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout lacks %q", tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.stderr)
			}
			b, err := os.ReadFile(out)
			switch {
			case tt.file == "" && err == nil:
				t.Errorf("%s written", out)
			case tt.file != "" && !bytes.Contains(b, []byte(tt.file)):
				t.Errorf("%s (%v) lacks %q", out, err, tt.file)
			}
			// No temporary file is left behind.
			if m, _ := filepath.Glob(filepath.Join(dir, ".report.html.*")); len(m) > 0 {
				t.Errorf("left %q", m)
			}
		})
	}
}

// TestSelfContained: the page names no resource outside itself.
func TestSelfContained(t *testing.T) {
	var out bytes.Buffer
	s := newScan()
	if err := s.Read(strings.NewReader(hostileScan()), "x"); err != nil {
		t.Fatal(err)
	}
	if err := Render(&out, s, Options{}); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	// Text may say src= (a banner does); a tag may not, nor link anywhere
	// but to the page's own sections.
	if m := regexp.MustCompile(`<[a-zA-Z][^<>]*\s(src|href|action|srcset)=("[^#"]|[^"#])[^<>]*>`).FindAllString(page, -1); m != nil {
		t.Errorf("the page's tags name resources: %q", m)
	}
	for _, bad := range []string{"http://", "https://", "//cdn", "@import", "url(", "<link", "<iframe", "<object"} {
		if bad == "http://" {
			// The only URL is SVG's namespace name, which is never fetched.
			page = strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
		}
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
}
