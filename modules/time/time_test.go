package time_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	gotime "time"

	"github.com/netstar/netstar/modules"
	nstime "github.com/netstar/netstar/modules/time"
	"github.com/netstar/netstar/repl/interp"
	"github.com/netstar/netstar/repl/interp/interptest"
	"go.starlark.net/starlark"
	"go.uber.org/goleak"

	_ "github.com/netstar/netstar/builtins" // catch()
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestTimeModule(t *testing.T) {
	res := interptest.Run(t, "t.star", `
assert.eq(dir(time), ["from_timestamp", "hour", "is_valid_timezone", "microsecond", "millisecond",
    "minute", "monotonic", "nanosecond", "now", "parse_duration", "parse_time", "perf_counter",
    "second", "sleep", "time"])

# time.time() is Python's: a float of seconds since the epoch.
now = time.time()
assert.eq(type(now), "float")
assert.true(now > 1.6e9)
assert.true(time.time() >= now)
# With arguments it is lib/time's constructor.
assert.eq(time.time(year = 2020, month = 1, day = 2, location = "UTC").year, 2020)

m = time.monotonic()
assert.eq(type(m), "float")
assert.true(time.perf_counter() >= m)
assert.fails(lambda: time.monotonic(1), "time.monotonic: got 1 arguments, want 0")

# sleep accepts ints, floats and durations.
assert.eq(time.sleep(0), None)
assert.eq(time.sleep(0.001), None)
assert.eq(time.sleep(time.parse_duration("1ms")), None)

assert.fails(lambda: time.sleep(-1), "ValueError: time.sleep: sleep length must be non-negative")
assert.fails(lambda: time.sleep(-0.5), "sleep length must be non-negative")
assert.fails(lambda: time.sleep(float("nan")), "ValueError: time.sleep: sleep length must be non-negative")
assert.fails(lambda: time.sleep(float("inf")), "OverflowError: time.sleep: sleep length is too large")
assert.fails(lambda: time.sleep(1e10), "OverflowError: time.sleep: sleep length is too large")
assert.fails(lambda: time.sleep(1 << 70), "OverflowError")
assert.fails(lambda: time.sleep("1"), "TypeError: time.sleep: for parameter secs: got string, want int or float")
assert.fails(lambda: time.sleep(None), "time.sleep: for parameter secs: got NoneType")
assert.fails(lambda: time.sleep(), "time.sleep: got 0 arguments, want 1")
assert.fails(lambda: time.sleep(1, 2), "time.sleep: got 2 arguments, want 1")
assert.eq(catch(time.sleep, -1)[1].type, "ValueError")
`, interp.Config{})
	if res.Err != nil {
		t.Fatal(interp.FormatError(res.Err))
	}
}

// A sleeping thread ends with an error as soon as the session's context
// is cancelled (Ctrl-C, end of program); Close does not wait for the
// hour to pass. Which comes first — the cancellation or the sleep — does
// not matter: the outcome is the same.
func TestSleepCancelled(t *testing.T) {
	s := interp.New(interp.Config{})
	sleep := nstime.Module.Members["sleep"]
	var err error
	s.Go("sleeper", func(th *starlark.Thread) {
		_, err = starlark.Call(th, sleep, starlark.Tuple{starlark.MakeInt(3600)}, nil)
	})
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-gotime.After(2 * gotime.Minute): // a hang guard, not a speed check
		t.Fatal("Close did not interrupt time.sleep")
	}
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "time.sleep") {
		t.Errorf("sleep(3600) ended with %v, want time.sleep: context canceled", err)
	}
}

// Sleep releases the interpreter lock: another thread runs while one
// sleeps (without the release, the waker could never set the flag and
// the sleeper would loop forever).
func TestSleepReleasesLock(t *testing.T) {
	s := interp.New(interp.Config{})
	defer s.Close()
	th := s.NewThread("main")
	s.Lock()
	g, err := s.ExecFile(th, "t.star", []byte(`
flag = {"set": False}
def sleeper():
    while not flag["set"]:
        time.sleep(0.001)
def waker():
    flag["set"] = True
`))
	s.Unlock()
	if err != nil {
		t.Fatal(interp.FormatError(err))
	}
	var e1, e2 error
	s.Go("sleeper", func(th *starlark.Thread) { _, e1 = starlark.Call(th, g["sleeper"], nil, nil) })
	s.Go("waker", func(th *starlark.Thread) { _, e2 = starlark.Call(th, g["waker"], nil, nil) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*gotime.Minute)
	defer cancel()
	if err := s.Wait(ctx); err != nil {
		t.Fatal("threads did not finish")
	}
	if e1 != nil || e2 != nil {
		t.Fatal(e1, e2)
	}
}

// A thread without a session sleeps too (Blocking just runs).
func TestSleepPlainThread(t *testing.T) {
	if _, err := starlark.Call(&starlark.Thread{}, nstime.Module.Members["sleep"], starlark.Tuple{starlark.Float(0.001)}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestRegistered(t *testing.T) {
	m, ok := modules.Lookup("time")
	if !ok || m.Value != nstime.Module {
		t.Fatal("time not registered")
	}
	for _, name := range []string{"time.sleep", "time.time", "time.monotonic", "time.perf_counter", "time.now"} {
		if modules.Doc(name) == "" {
			t.Errorf("no doc for %s", name)
		}
	}
}
