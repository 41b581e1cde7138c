package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"
	"sync/atomic"
	"time"
)

// ProtocolVersion is the Jupyter messaging protocol version of every
// header the kernel sends. Debian's jupyter_kernel_test 0.4.5 rejects
// 5.0 and 5.1.
const ProtocolVersion = "5.3"

// delimiter separates the routing identities from the signed frames.
var delimiter = []byte("<IDS|MSG>")

// Header is a message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message: routing identities, the four signed
// parts and any binary buffers.
type Message struct {
	Identities [][]byte
	Header     Header
	// Parent is the header of the request this message answers; a raw
	// JSON object so that what the client sent is echoed unchanged.
	Parent   json.RawMessage
	Metadata map[string]any
	Content  json.RawMessage
	Buffers  [][]byte
}

// signer signs and checks messages with HMAC-SHA256 (an empty key turns
// signing off, as the protocol says).
type signer struct {
	mu  sync.Mutex
	mac hash.Hash // nil without a key
}

func newSigner(scheme, key string) (*signer, error) {
	if key == "" {
		return &signer{}, nil
	}
	if scheme != "" && scheme != "hmac-sha256" {
		return nil, fmt.Errorf("signature_scheme %q is not supported (want hmac-sha256)", scheme)
	}
	return &signer{mac: hmac.New(sha256.New, []byte(key))}, nil
}

// sign returns the hex signature of the four parts.
func (s *signer) sign(parts ...[]byte) []byte {
	if s.mac == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mac.Reset()
	for _, p := range parts {
		s.mac.Write(p)
	}
	sum := s.mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// errSignature is a message whose signature does not match.
var errSignature = errors.New("invalid HMAC signature")

// decode parses the frames of a message received on a ROUTER socket and
// checks its signature.
func (s *signer) decode(frames [][]byte) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) || len(frames) < i+6 {
		return nil, fmt.Errorf("malformed message: %d frames, no <IDS|MSG> delimiter followed by 5 frames", len(frames))
	}
	m := &Message{Identities: frames[:i]}
	sig, hdr, parent, meta, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	if s.mac != nil {
		want := s.sign(hdr, parent, meta, content)
		if !hmac.Equal(want, sig) {
			return m, errSignature
		}
	}
	if err := json.Unmarshal(hdr, &m.Header); err != nil {
		return m, fmt.Errorf("malformed header: %w", err)
	}
	m.Parent = append(json.RawMessage(nil), parent...)
	if len(meta) > 0 {
		if err := json.Unmarshal(meta, &m.Metadata); err != nil {
			return m, fmt.Errorf("malformed metadata: %w", err)
		}
	}
	m.Content = append(json.RawMessage(nil), content...)
	if !json.Valid(m.Content) {
		return m, fmt.Errorf("malformed content")
	}
	m.Buffers = frames[i+6:]
	return m, nil
}

// encode returns the frames of m, signed.
func (s *signer) encode(m *Message) ([][]byte, error) {
	hdr, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encoding header: %w", err)
	}
	parent := []byte(m.Parent)
	if len(parent) == 0 {
		parent = []byte("{}")
	}
	meta := []byte("{}")
	if len(m.Metadata) > 0 {
		if meta, err = json.Marshal(m.Metadata); err != nil {
			return nil, fmt.Errorf("encoding metadata: %w", err)
		}
	}
	content := []byte(m.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.sign(hdr, parent, meta, content), hdr, parent, meta, content)
	return append(frames, m.Buffers...), nil
}

// ids makes the unique message ids: a random prefix per kernel and a
// counter, so two messages never share an id (clients drop repeated
// signatures as replays).
type ids struct {
	prefix string
	n      atomic.Uint64
}

func newIDs() *ids {
	return &ids{prefix: uuid()}
}

func (g *ids) next() string {
	return fmt.Sprintf("%s_%d", g.prefix, g.n.Add(1))
}

// uuid returns a random version 4 UUID.
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// now is the ISO 8601 date of a header.
func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000000Z") }
