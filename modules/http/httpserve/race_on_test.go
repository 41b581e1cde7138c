//go:build race

package httpserve_test

// raceEnabled: the race detector's shadow memory inflates RSS several
// times, so memory bounds are only checked without it.
const raceEnabled = true
