//go:build !race

package scancmd

const raceEnabled = false
