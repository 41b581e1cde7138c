package main

import (
	"io"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/netstar/netstar/repl/interp/interptest"
)

// TestStepThroughPTY drives the stepper as a student does, on a
// pseudo-terminal: Enter runs a cell, s skips one, q quits.
func TestStepThroughPTY(t *testing.T) {
	setLang(t, "es_ES.UTF-8")
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("needs a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	file := writeTemp(t, "nb.ipynb", stepNotebook)
	done := make(chan int, 1)
	go func() {
		done <- step(stepConfig{Args: []string{file}, Stdin: tty, Stdout: tty, Stderr: tty})
		tty.Close()
	}()
	var screen interptest.Buffer
	readDone := make(chan struct{})
	go func() {
		io.Copy(&screen, ptmx)
		close(readDone)
	}()
	prompts := func(n int) func() bool {
		return func() bool { return strings.Count(screen.String(), "q salir > ") >= n }
	}
	waitFor(t, "the first prompt", prompts(1))
	if !strings.Contains(screen.String(), "│ x = 1") {
		t.Errorf("cell 1 not shown:\n%s", screen.String())
	}
	io.WriteString(ptmx, "\n") // run cell 1
	waitFor(t, "the second prompt", prompts(2))
	io.WriteString(ptmx, "\n") // run cell 3
	waitFor(t, "cell 3's output", func() bool { return strings.Contains(screen.String(), "x=1") })
	waitFor(t, "the third prompt", prompts(3))
	io.WriteString(ptmx, "s\n") // skip cell 4 (input)
	waitFor(t, "the fourth prompt", prompts(4))
	io.WriteString(ptmx, "q\n")
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	ptmx.Close()
	<-readDone
	if strings.Contains(screen.String(), "\nn? ") {
		t.Errorf("skipped cell ran:\n%s", screen.String())
	}
}
