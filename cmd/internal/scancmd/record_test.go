package scancmd

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	var c clock
	first := c.now()
	t1, err := time.Parse(time.RFC3339Nano, first)
	if err != nil {
		t.Fatalf("now() = %q: %v", first, err)
	}
	if t1.Location() != time.UTC || time.Since(t1) < 0 || time.Since(t1) > time.Minute {
		t.Errorf("now() = %q: not the current UTC time", first)
	}
	if again := c.now(); again != first && c.last.Sub(t1) < time.Millisecond {
		t.Errorf("formatted again within a millisecond: %q then %q", first, again)
	}
	time.Sleep(3 * time.Millisecond)
	later := c.now()
	t2, err := time.Parse(time.RFC3339Nano, later)
	if err != nil {
		t.Fatalf("now() = %q: %v", later, err)
	}
	if !t2.After(t1) {
		t.Errorf("after 3 ms now() = %q, still %q", later, first)
	}
}
