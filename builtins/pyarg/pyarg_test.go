package pyarg_test

import (
	"math"
	"testing"
	"time"

	"github.com/netstar/netstar/builtins/pyarg"
	"github.com/netstar/netstar/builtins/pyerr"
	"go.starlark.net/starlark"
)

func TestTimeout(t *testing.T) {
	hour := pyarg.TimeoutOptions{Max: time.Hour}
	orNone := pyarg.TimeoutOptions{None: true}
	tests := []struct {
		v       starlark.Value
		opts    pyarg.TimeoutOptions
		want    time.Duration
		errType string
		errText string
	}{
		{starlark.MakeInt(2), hour, 2 * time.Second, "", ""},
		{starlark.Float(0.25), hour, 250 * time.Millisecond, "", ""},
		{starlark.Float(3600), hour, time.Hour, "", ""},
		{starlark.None, orNone, 0, "", ""},
		{starlark.MakeInt(30), orNone, 30 * time.Second, "", ""},
		{starlark.None, hour, 0, "TypeError", "f: for parameter timeout: got NoneType, want int or float"},
		{starlark.String("1"), orNone, 0, "TypeError", "f: for parameter timeout: got string, want int, float or None"},
		{starlark.True, hour, 0, "TypeError", "got bool, want int or float"},
		{starlark.MakeInt(0), hour, 0, "ValueError", "f: for parameter timeout: got 0, want a number of seconds in (0, 3600]"},
		{starlark.Float(-1), orNone, 0, "ValueError", "f: for parameter timeout: got -1.0, want a positive number of seconds or None"},
		{starlark.Float(3600.5), hour, 0, "ValueError", "in (0, 3600]"},
		{starlark.Float(math.NaN()), hour, 0, "ValueError", "got nan"},
		{starlark.Float(math.Inf(1)), orNone, 0, "ValueError", "got +inf"},
	}
	for _, tt := range tests {
		got, err := pyarg.Timeout("f", "timeout", tt.v, tt.opts)
		if tt.errType == "" {
			if err != nil || got != tt.want {
				t.Errorf("Timeout(%v) = %v, %v; want %v", tt.v, got, err, tt.want)
			}
			continue
		}
		pe, ok := pyerr.As(err)
		if !ok || pe.Type != tt.errType || !contains(err.Error(), tt.errText) {
			t.Errorf("Timeout(%v) error = %v; want %s containing %q", tt.v, err, tt.errType, tt.errText)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestPort(t *testing.T) {
	tests := []struct {
		v       starlark.Value
		want    int
		errType string
		errText string
	}{
		{starlark.MakeInt(0), 0, "", ""},
		{starlark.MakeInt(80), 80, "", ""},
		{starlark.MakeInt(65535), 65535, "", ""},
		{starlark.MakeInt(65536), 0, "OverflowError", "connect(): port must be 0-65535."},
		{starlark.MakeInt(-1), 0, "OverflowError", "connect(): port must be 0-65535."},
		{starlark.MakeInt64(1 << 62).Mul(starlark.MakeInt(8)), 0, "OverflowError", "port must be 0-65535."},
		{starlark.String("80"), 0, "TypeError", "'str' object cannot be interpreted as an integer"},
		{starlark.None, 0, "TypeError", "'NoneType' object cannot be interpreted as an integer"},
		{starlark.Float(80), 0, "TypeError", "'float' object cannot be interpreted as an integer"},
	}
	for _, tt := range tests {
		got, err := pyarg.Port("connect()", tt.v)
		if tt.errType == "" {
			if err != nil || got != tt.want {
				t.Errorf("Port(%v) = %v, %v; want %v", tt.v, got, err, tt.want)
			}
			continue
		}
		pe, ok := pyerr.As(err)
		if !ok || pe.Type != tt.errType || !contains(err.Error(), tt.errText) {
			t.Errorf("Port(%v) error = %v; want %s containing %q", tt.v, err, tt.errType, tt.errText)
		}
	}
}
