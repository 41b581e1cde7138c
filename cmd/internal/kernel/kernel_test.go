package kernel

import (
	"errors"
	"reflect"
	"testing"
)

func TestSignRoundTrip(t *testing.T) {
	good, _ := newSigner("hmac-sha256", "secret")
	other, _ := newSigner("hmac-sha256", "other")
	m := &Message{Identities: [][]byte{[]byte("peer")}, Header: Header{MsgID: "1", MsgType: "execute_request", Version: ProtocolVersion}, Content: []byte(`{"code":"1"}`)}
	frames, err := good.encode(m)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		s       *signer
		frames  [][]byte
		wantErr error
	}{
		{"same key", good, frames, nil},
		{"other key", other, frames, errSignature},
		{"tampered content", good, append(append([][]byte{}, frames[:6]...), []byte(`{"code":"2"}`)), errSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.decode(tt.frames)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("decode: %v, want %v", err, tt.wantErr)
			}
			if err == nil && (got.Header.MsgID != "1" || string(got.Content) != `{"code":"1"}` || string(got.Identities[0]) != "peer") {
				t.Errorf("decode = %+v", got)
			}
		})
	}
	if _, err := good.decode([][]byte{[]byte("x")}); err == nil {
		t.Error("a message without a delimiter decoded")
	}
}

func TestUniqueIDs(t *testing.T) {
	g := newIDs()
	seen := map[string]bool{}
	for range 1000 {
		id := g.next()
		if seen[id] {
			t.Fatalf("id %s repeated", id)
		}
		seen[id] = true
	}
}

func TestIsComplete(t *testing.T) {
	tests := []struct {
		code, want, indent string
	}{
		{"1 + 1", "complete", ""},
		{"print('a'", "incomplete", ""},
		{"for i in range(3):", "incomplete", "    "},
		{"for i in range(3):\n    print(i)", "incomplete", "    "},
		{"for i in range(3):\n    print(i)\n\n", "complete", ""},
		{"try:\n    x = 1", "incomplete", "    "},
		{"try:\n    x = 1\nexcept ValueError:\n    pass\n\n", "complete", ""},
		{"x = = 1", "invalid", ""},
		{"", "complete", ""},
	}
	for _, tt := range tests {
		got, indent := isComplete(tt.code)
		if got != tt.want || (got == "incomplete" && indent != tt.indent) {
			t.Errorf("isComplete(%q) = %q, %q; want %q, %q", tt.code, got, indent, tt.want, tt.indent)
		}
	}
}

func TestParseDrawn(t *testing.T) {
	tests := []struct {
		drawn  string
		header []string
		rows   [][]string
	}{
		{"┌──────┬───────┐\n│ port │ state │\n├──────┼───────┤\n│ 22   │ open  │\n│ 80   │       │\n└──────┴───────┘", []string{"port", "state"}, [][]string{{"22", "open"}, {"80", ""}}},
		{"┌───┬───┐\n│ a │ b │\n└───┴───┘", nil, [][]string{{"a", "b"}}},
	}
	for _, tt := range tests {
		h, r, ok := parseDrawn(tt.drawn)
		if !ok || !reflect.DeepEqual(h, tt.header) || !reflect.DeepEqual(r, tt.rows) {
			t.Errorf("parseDrawn(%q) = %q, %q, %v", tt.drawn, h, r, ok)
		}
	}
}

func TestParseConnectionInfo(t *testing.T) {
	ci, err := ParseConnectionInfo("c.json", []byte(`{"ip":"::1","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-sha256"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := ci.endpoint(ci.ShellPort); got != "tcp://[::1]:1" {
		t.Errorf("endpoint = %q", got)
	}
	if _, err := ParseConnectionInfo("c.json", []byte(`[]`)); !errors.Is(err, ErrConnectionFile) {
		t.Errorf("a JSON list: %v", err)
	}
}
