//go:build linux

package scan

import (
	"testing"
	"time"
)

// TestHostWindow: a host's own window appears at its first drop (half
// the probes it had pending), halves at most once per timeout, never
// goes below hostWindowMin, grows by one per answer and goes away when it
// reaches the loops' window.
func TestHostWindow(t *testing.T) {
	const timeout = int64(time.Second)
	var h hostTiming
	if h.full() {
		t.Fatal("a host that never dropped is full")
	}
	h.pending.Store(40)
	h.dropped(1, timeout)
	if got := h.cwnd.Load(); got != 20 {
		t.Fatalf("window after a drop with 40 pending = %d, want 20", got)
	}
	if !h.full() {
		t.Error("40 pending in a window of 20: not full")
	}
	h.dropped(2, timeout) // the same timeout's drops count once
	if got := h.cwnd.Load(); got != 20 {
		t.Errorf("a second drop within the timeout cut the window to %d", got)
	}
	for i, want := range []int32{10, 5, 2, 2} {
		h.dropped(int64(i+1)*timeout+1, timeout)
		if got := h.cwnd.Load(); got != want {
			t.Errorf("cut %d: window %d, want %d", i+2, got, want)
		}
	}
	h.pending.Store(1)
	if h.full() {
		t.Error("1 pending in a window of 2: full")
	}
	h.grew(5)
	if got := h.cwnd.Load(); got != 3 {
		t.Errorf("window after an answer = %d, want 3", got)
	}
	h.grew(5)
	h.grew(5)
	if got := h.cwnd.Load(); got != 0 {
		t.Errorf("window at the loops' window = %d, want 0 (no cap of its own)", got)
	}
}

// TestAllowedRetries: a host that answered a probe only on a retry
// earns MaxRetries; otherwise Retries.
func TestAllowedRetries(t *testing.T) {
	for _, tt := range []struct {
		retries, maxRetries int
		maxTry              int32
		want                int
	}{
		{1, 10, 0, 1},
		{1, 10, 1, 10},
		{1, 10, 4, 10},
		{3, 10, 0, 3},
		{1, 1, 5, 1}, // --max-retries 1 caps it
		{0, 0, 5, 0}, // no retries at all
	} {
		e := &engine{retries: tt.retries, maxRetries: tt.maxRetries, hosts: newHostTable(1)}
		e.hosts.get(0).maxTry.Store(tt.maxTry)
		if got := e.allowedRetries(0); got != tt.want {
			t.Errorf("retries %d, max %d, answered try %d: %d retries, want %d", tt.retries, tt.maxRetries, tt.maxTry, got, tt.want)
		}
	}
	for _, tt := range []struct {
		s    Scanner
		want int
	}{
		{Scanner{}, DefaultMaxRetries},
		{Scanner{MaxRetries: 3}, 3},
		{Scanner{Retries: 12}, 12},
		{Scanner{Retries: -1, MaxRetries: 5}, 0},
	} {
		if got := tt.s.maxRetries(); got != tt.want {
			t.Errorf("%+v: maxRetries %d, want %d", tt.s, got, tt.want)
		}
	}
}
