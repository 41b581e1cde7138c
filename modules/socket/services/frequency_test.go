package services

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFrequencies(t *testing.T) {
	const table = `# a comment
svc-a	80/tcp	0.2	# web
svc-b	53/udp	0.9
svc-c	22/tcp	0.5
svc-d	8080/tcp	0.2
svc-e	7/tcp	0.000000
`
	got, err := ParseFrequencies(strings.NewReader(table), "tcp")
	if err != nil {
		t.Fatal(err)
	}
	want := []Frequency{{22, 0.5}, {80, 0.2}, {8080, 0.2}, {7, 0}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, bad := range []string{"x 80/tcp\n", "x 80 0.1\n", "x 70000/tcp 0.1\n", "x 80/tcp high\n", "x 80/tcp 2\n"} {
		if _, err := ParseFrequencies(strings.NewReader(bad), "tcp"); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: err = %v, want one naming line 1", bad, err)
		}
	}
}

func TestTopPortsErrors(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "nmap-services")
	if err := os.WriteFile(small, []byte("a 22/tcp 0.5\nb 80/tcp 0.7\nc 53/udp 0.9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "none")
	if _, err := topPorts(10, "tcp", []string{missing}); err != ErrNoFrequencies {
		t.Errorf("no table: err = %v, want ErrNoFrequencies", err)
	}
	if got, err := topPorts(2, "tcp", []string{missing, small}); err != nil || fmt.Sprint(got) != "[22 80]" {
		t.Errorf("top 2 = %v, %v; want [22 80] from the second path", got, err)
	}
	if got, err := topPorts(1, "tcp", []string{small}); err != nil || fmt.Sprint(got) != "[80]" {
		t.Errorf("top 1 = %v, %v; want [80]", got, err)
	}
	for _, n := range []int{0, -1, 3} {
		if _, err := topPorts(n, "tcp", []string{small}); err == nil {
			t.Errorf("top %d: no error", n)
		}
	}
	t.Setenv("NMAPDIR", dir)
	if paths := NmapServices(); paths[0] != small {
		t.Errorf("NmapServices()[0] = %s, want $NMAPDIR's %s", paths[0], small)
	}
}

func FuzzParseFrequencies(f *testing.F) {
	for _, seed := range []string{
		"a 22/tcp 0.5\nb 80/tcp 0.7 # c\n",
		"# only a comment\n\n",
		"x 65535/tcp 1\ny 0/tcp 0\n",
		"x 80/tcp\n",
		"x 99999/tcp 0.1\n",
		"x 80/tcp NaN\n",
		"x -1/tcp 0.1\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		freqs, err := ParseFrequencies(strings.NewReader(s), "tcp")
		if err != nil {
			return
		}
		for i, fr := range freqs {
			if fr.Port < 0 || fr.Port > 65535 || !(fr.Ratio >= 0 && fr.Ratio <= 1) {
				t.Fatalf("entry %d out of range: %+v", i, fr)
			}
			if i > 0 && (fr.Ratio > freqs[i-1].Ratio || fr.Ratio == freqs[i-1].Ratio && fr.Port < freqs[i-1].Port) {
				t.Fatalf("not ranked: %+v before %+v", freqs[i-1], fr)
			}
		}
	})
}
