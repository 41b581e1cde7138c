package scancmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const twoShards = `{"ip":"127.0.0.2","port":80,"proto":"tcp","state":"open","reason":"syn-ack","shard":"0/2","seed":1,"time":"2026-01-01T00:00:00Z"}
{"ip":"127.0.0.2","port":81,"proto":"tcp","state":"closed","reason":"ECONNREFUSED","shard":"1/2","seed":1,"time":"2026-01-01T00:00:00Z"}
`

// TestMergeOutputFormats: -o takes the format from the file's extension,
// -f wins over it, -oJ/-oX/-oG/-oN/-oA write several at once, and an
// output that is also an input is refused before it is overwritten.
func TestMergeOutputFormats(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	os.WriteFile(in, []byte(twoShards), 0o644)
	starts := map[string]string{
		"xml": "<?xml ", "grep": "# netstar merge initiated ", "jsonl": `{"ip":"127.0.0.2"`, "normal": "# netstar merge initiated ",
	}
	kinds := map[string]string{"xml": "<nmaprun ", "grep": "\tPorts: 80/open/tcp//http///", "jsonl": `{"netstar_summary":1,`, "normal": "Nmap scan report for 127.0.0.2\n"}
	for _, tt := range []struct {
		args  []string
		files map[string]string // file name → format
	}{
		{[]string{"-o", "all.xml"}, map[string]string{"all.xml": "xml"}},
		{[]string{"-o", "all.gnmap"}, map[string]string{"all.gnmap": "grep"}},
		{[]string{"-o", "all.jsonl"}, map[string]string{"all.jsonl": "jsonl"}},
		{[]string{"-o", "all.json"}, map[string]string{"all.json": "jsonl"}},
		{[]string{"-o", "all.nmap"}, map[string]string{"all.nmap": "normal"}},
		{[]string{"-o", "all.txt"}, map[string]string{"all.txt": "normal"}},
		{[]string{"-o", "all.out"}, map[string]string{"all.out": "jsonl"}}, // unknown: the inputs' format
		{[]string{"-f", "xml", "-o", "all.jsonl"}, map[string]string{"all.jsonl": "xml"}},
		{[]string{"-oX", "a.xml", "-oJ", "a.jsonl", "-oG", "a.gnmap", "-oN", "a.nmap"}, map[string]string{"a.xml": "xml", "a.jsonl": "jsonl", "a.gnmap": "grep", "a.nmap": "normal"}},
		{[]string{"-oA", "b"}, map[string]string{"b.xml": "xml", "b.jsonl": "jsonl", "b.gnmap": "grep", "b.nmap": "normal"}},
	} {
		var args []string
		for i, a := range tt.args {
			if i > 0 && strings.HasPrefix(tt.args[i-1], "-o") {
				a = filepath.Join(dir, a)
			}
			args = append(args, a)
		}
		var out, errb bytes.Buffer
		if code := MergeMain(append(args, in), nil, &out, &errb); code != 0 || out.Len() != 0 {
			t.Errorf("merge %q: exit %d, stdout %q\n%s", tt.args, code, out.String(), errb.String())
			continue
		}
		for name, format := range tt.files {
			p := filepath.Join(dir, name)
			b, err := os.ReadFile(p)
			if err != nil || !bytes.HasPrefix(b, []byte(starts[format])) || !bytes.Contains(b, []byte(kinds[format])) {
				t.Errorf("merge %q: %s is not %s (%v):\n%s", tt.args, name, format, err, b)
			}
			if format == "xml" {
				validXML(t, p)
			}
			os.Remove(p)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
			t.Errorf("merge %q left %v", tt.args, left)
		}
	}
	var errb bytes.Buffer
	if code := MergeMain([]string{"-o", in, in}, nil, new(bytes.Buffer), &errb); code != ExitUsage || !strings.Contains(errb.String(), "is also an input") {
		t.Errorf("merge -o IN IN: exit %d, %s", code, errb.String())
	}
	if b, _ := os.ReadFile(in); string(b) != twoShards {
		t.Errorf("the input was overwritten: %q", b)
	}
	errb.Reset()
	if code := MergeMain([]string{"-oX", "-", "-oJ", "-", in}, nil, new(bytes.Buffer), &errb); code != ExitUsage || !strings.Contains(errb.String(), "one output each") {
		t.Errorf("two outputs on stdout: exit %d, %s", code, errb.String())
	}
	// Bad input writes nothing.
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"ip":"x","port":1}`+"\n"+twoShards), 0o644)
	if code := MergeMain([]string{"-o", filepath.Join(dir, "none.xml"), bad}, nil, new(bytes.Buffer), new(bytes.Buffer)); code != ExitUsage {
		t.Errorf("bad input: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.xml")); err == nil {
		t.Error("bad input left an output file")
	}
}

// TestMergeWarnings: records merge cannot take (udp, nmap's open|filtered)
// are skipped and named with FILE:LINE, duplicates that disagree name
// both records, and --strict makes either exit 1.
func TestMergeWarnings(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	os.WriteFile(a, []byte(twoShards+`{"ip":"127.0.0.2","port":53,"proto":"udp","state":"open","reason":"udp-response","shard":"0/2","seed":1,"time":"2026-01-01T00:00:00Z"}
`), 0o644)
	b := filepath.Join(dir, "b.jsonl")
	os.WriteFile(b, []byte(`{"ip":"127.0.0.2","port":81,"proto":"tcp","state":"open","reason":"syn-ack","shard":"1/2","seed":1,"time":"2026-01-01T00:00:00Z"}
`), 0o644)
	// nmap -sU's XML: its udp ports and open|filtered extraports.
	x := filepath.Join(dir, "udp.xml")
	os.WriteFile(x, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<nmaprun scanner="nmap" args="nmap -sU" start="1796416912" version="7.93" xmloutputversion="1.05">
<host starttime="1796416912" endtime="1796416913"><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="127.0.0.3" addrtype="ipv4"/>
<ports><extraports state="open|filtered" count="2">
<extrareasons reason="no-response" count="2" proto="udp" ports="1-2"/>
</extraports>
<port protocol="udp" portid="53"><state state="open" reason="udp-response" reason_ttl="0"/></port>
</ports>
</host>
<runstats><finished time="1796416913" timestr="x" elapsed="1" summary="Nmap done" exit="success"/><hosts up="1" down="0" total="1"/></runstats>
</nmaprun>
`), 0o644)
	var out, errb bytes.Buffer
	code := MergeMain([]string{a, b, x}, nil, &out, &errb)
	for _, want := range []string{
		a + `:3: skipped: a udp record (127.0.0.2 port 53): netstar merges TCP connect scans only`,
		b + `:1: 127.0.0.2 port 81 is open here but closed in ` + a + `:2; kept the first`,
		x + `:5: skipped: 2 udp ports open|filtered of 127.0.0.3`,
		x + `:8: skipped: a udp record (127.0.0.3 port 53)`,
		"2 records from 3 files, 1 duplicates dropped, 4 records skipped",
		"1 duplicate ip:port records disagree on the state",
	} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if code != 0 || strings.Contains(out.String(), `"port":53`) || !strings.Contains(out.String(), `"port":81,"proto":"tcp","state":"closed"`) {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
	if code := MergeMain([]string{"--strict", a, b}, nil, new(bytes.Buffer), new(bytes.Buffer)); code != ExitFailure {
		t.Errorf("--strict: exit %d, want %d", code, ExitFailure)
	}
}

// TestMergePartial: a merge that lacks shards, or holds a shard that did
// not finish, says so in every output and exits 4 unless --allow-partial.
func TestMergePartial(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	os.WriteFile(in, []byte(strings.ReplaceAll(twoShards, `"shard":"1/2"`, `"shard":"0/3"`)), 0o644)
	base := filepath.Join(dir, "m")
	var errb bytes.Buffer
	if code := MergeMain([]string{"-oA", base, in}, nil, new(bytes.Buffer), &errb); code != ExitPartial {
		t.Errorf("exit %d, want %d\n%s", code, ExitPartial, errb.String())
	}
	why := "partial merge: 2 of 5 shards merged (missing: 1/2, 1/3, 2/3)"
	for ext, want := range map[string]string{
		".xml":   `missing=1/2,1/3,2/3" exit="error" errormsg="` + why + `"/>`,
		".jsonl": `"missing":["1/2","1/3","2/3"],"seed":1,"records":2,`,
		".gnmap": "# WARNING: " + why + "\n",
		".nmap":  "# WARNING: " + why + "\n",
	} {
		if b, _ := os.ReadFile(base + ext); !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s lacks %s:\n%s", ext, want, b)
		}
	}
	validXML(t, base+".xml")
	if !strings.Contains(errb.String(), why+" (exit status 4 unless --allow-partial)") || !strings.Contains(errb.String(), "different numbers of shards") {
		t.Errorf("stderr:\n%s", errb.String())
	}
	if code := MergeMain([]string{"--allow-partial", in}, nil, new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Errorf("--allow-partial: exit %d", code)
	}
	// The merged outputs merge again and still say so; XML from an
	// interrupted scan counts as a shard that did not finish.
	for _, f := range []string{base + ".xml", base + ".jsonl"} {
		errb.Reset()
		if code := MergeMain([]string{"-o", filepath.Join(dir, "again.jsonl"), f}, nil, new(bytes.Buffer), &errb); code != ExitPartial || !strings.Contains(errb.String(), "missing: 1/2, 1/3, 2/3") {
			t.Errorf("merge of %s: exit %d\n%s", f, code, errb.String())
		}
	}
	// A JSON Lines file whose last line a kill cut short: the line is
	// dropped, the rest merged, the merge partial.
	cutj := filepath.Join(dir, "cut.jsonl")
	os.WriteFile(cutj, []byte(twoShards+`{"ip":"127.0.0.2","port":82,"pro`), 0o644)
	errb.Reset()
	var out bytes.Buffer
	if code := MergeMain([]string{cutj}, nil, &out, &errb); code != ExitPartial || !strings.Contains(errb.String(), cutj+":3: the last line is cut short") ||
		!strings.Contains(out.String(), `"partial":"partial merge: inputs cut short: `+cutj+`"`) || strings.Count(out.String(), `"ip":`) != 2 {
		t.Errorf("cut JSON Lines: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	x, _ := os.ReadFile(base + ".xml")
	unfinished := filepath.Join(dir, "unfinished.xml")
	os.WriteFile(unfinished, bytes.Replace(x, []byte("complete=true"), []byte("complete=false"), 1), 0o644)
	errb.Reset()
	if code := MergeMain([]string{unfinished}, nil, new(bytes.Buffer), &errb); code != ExitPartial || !strings.Contains(errb.String(), "; shards that did not finish: 0/2+0/3 (exit status 4") {
		t.Errorf("unfinished: exit %d\n%s", code, errb.String())
	}
}

// TestMergeCutXML cuts a scan's XML at every offset: merge takes the
// ports before the cut (never an invented one), calls the result
// partial, and fails only when the cut comes before <nmaprun>.
func TestMergeCutXML(t *testing.T) {
	port, _ := countingListener(t)
	dir := t.TempDir()
	xf := filepath.Join(dir, "full.xml")
	if code, _, errs := runScan(t, nil, "127.0.0.1,2", "-p", fmt.Sprintf("%d,1-30", port), "--seed", "5", "-oX", xf); code != 0 {
		t.Fatal(errs)
	}
	full, _ := os.ReadFile(xf)
	var ref bytes.Buffer
	if code := MergeMain([]string{"-f", "jsonl", xf}, nil, &ref, new(bytes.Buffer)); code != 0 {
		t.Fatal("merge of the whole file failed")
	}
	refPath := filepath.Join(dir, "ref.jsonl")
	os.WriteFile(refPath, ref.Bytes(), 0o644)
	want := outcomes(t, readJSONL(t, refPath))
	run := bytes.Index(full, []byte("<nmaprun"))
	run += bytes.IndexByte(full[run:], '>') // the end of its start tag
	cut := filepath.Join(dir, "cut.xml")
	// A cut that leaves out only the last newline leaves the document whole.
	for n := 0; n < len(bytes.TrimRight(full, "\n")); n += 7 {
		os.WriteFile(cut, full[:n], 0o644)
		var out, errb bytes.Buffer
		code := MergeMain([]string{"-f", "jsonl", cut}, nil, &out, &errb)
		if n <= run {
			if code != ExitUsage && code != ExitPartial {
				t.Errorf("cut at %d (before <nmaprun>): exit %d\n%s", n, code, errb.String())
			}
			continue
		}
		if code != ExitPartial {
			t.Errorf("cut at %d: exit %d, want %d\n%s", n, code, ExitPartial, errb.String())
			continue
		}
		p := filepath.Join(dir, "got.jsonl")
		os.WriteFile(p, out.Bytes(), 0o644)
		for k := range outcomes(t, readJSONL(t, p)) {
			if want[k] != 1 {
				t.Errorf("cut at %d: %v is not in the whole file", n, k)
			}
		}
	}
}

// FuzzMerge feeds merge any input: it must not panic, and it exits 0,
// 1, 2 or 4.
func FuzzMerge(f *testing.F) {
	f.Add([]byte(twoShards))
	f.Add([]byte(twoShards[:len(twoShards)-30]))
	f.Add([]byte(`<?xml version="1.0"?><nmaprun><!-- netstar shard=0/2 seed=1 --><host><address addr="127.0.0.1" addrtype="ipv4"/><ports><extraports state="closed" count="2"><extrareasons reason="conn-refused" count="2" proto="tcp" ports="1-2"/></extraports><port protocol="tcp" portid="3"><state state="open" reason="syn-ack"/></port></ports></host>`))
	f.Add([]byte(`<nmaprun><host><ports><port protocol="udp" portid="53"><state state="open|filtered"/></port></ports></host><runstats><finished summary="netstar shard=0/1 seed=1 complete=true" exit="success"/></runstats></nmaprun>`))
	f.Add([]byte(`{"netstar_summary":1,"shards":["0/2"],"missing":["1/2"],"finished":true}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"jsonl", "xml", "normal"} {
			code := MergeMain([]string{"-f", format, "-"}, bytes.NewReader(data), new(bytes.Buffer), new(bytes.Buffer))
			if code != 0 && code != ExitFailure && code != ExitUsage && code != ExitPartial {
				t.Fatalf("-f %s: exit %d", format, code)
			}
		}
	})
}
