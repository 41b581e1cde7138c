package services_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/services"
)

const sample = `# comment
http		80/tcp		www		# WorldWideWeb HTTP
http		80/udp
ftp		21/tcp
fsp		21/udp		fspd
bad line
broken		x/tcp
neg		-1/tcp
big		70000/tcp
`

func TestTable(t *testing.T) {
	tab, err := services.Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Entries) != 4 {
		t.Fatalf("%d entries, want 4 (malformed lines skipped): %+v", len(tab.Entries), tab.Entries)
	}
	for _, tc := range []struct {
		port  int
		proto string
		want  string
		ok    bool
	}{
		{80, "", "http", true}, {80, "tcp", "http", true}, {80, "udp", "http", true},
		{21, "", "ftp", true}, {21, "udp", "fsp", true}, {22, "tcp", "", false}, {80, "sctp", "", false},
	} {
		if got, ok := tab.ByPort(tc.port, tc.proto); got != tc.want || ok != tc.ok {
			t.Errorf("ByPort(%d, %q) = %q, %v; want %q, %v", tc.port, tc.proto, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		name, proto string
		want        int
		ok          bool
	}{
		{"http", "", 80, true}, {"www", "tcp", 80, true}, {"www", "udp", 0, false},
		{"fspd", "", 21, true}, {"nope", "", 0, false},
	} {
		if got, ok := tab.ByName(tc.name, tc.proto); got != tc.want || ok != tc.ok {
			t.Errorf("ByName(%q, %q) = %d, %v; want %d, %v", tc.name, tc.proto, got, ok, tc.want, tc.ok)
		}
	}
}

// TestFallback checks the embedded table answers the course's examples.
func TestFallback(t *testing.T) {
	tab := services.Fallback()
	for port, want := range map[int]string{80: "http", 23: "telnet", 22: "ssh", 443: "https", 25: "smtp", 53: "domain"} {
		if got, _ := tab.ByPort(port, "tcp"); got != want {
			t.Errorf("fallback ByPort(%d) = %q, want %q", port, got, want)
		}
	}
	if p, _ := tab.ByName("smtp", "tcp"); p != 25 {
		t.Errorf("fallback ByName(smtp) = %d", p)
	}
}

func TestPackageLevel(t *testing.T) {
	if got, ok := services.ByPort(80, "tcp"); !ok || got != "http" {
		t.Errorf("ByPort(80) = %q, %v", got, ok)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("x 1/tcp a b c\n\n#\n")
	f.Fuzz(func(t *testing.T, s string) {
		tab, err := services.Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, e := range tab.Entries {
			if e.Port < 0 || e.Port > 65535 || e.Proto == "" || e.Name == "" {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

func ExampleByPort() {
	name, _ := services.ByPort(80, "tcp")
	fmt.Println(name)
	// Output: http
}
