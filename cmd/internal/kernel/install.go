package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
)

// Spec is a kernelspec's kernel.json.
type Spec struct {
	Argv          []string       `json:"argv"`
	DisplayName   string         `json:"display_name"`
	Language      string         `json:"language"`
	InterruptMode string         `json:"interrupt_mode"`
	Metadata      map[string]any `json:"metadata"`
}

// NewSpec returns the kernelspec that runs exe as the kernel.
func NewSpec(exe, displayName string) Spec {
	return Spec{
		Argv:          []string{exe, "kernel", "-f", "{connection_file}"},
		DisplayName:   displayName,
		Language:      "python",
		InterruptMode: "signal",
		Metadata:      map[string]any{"debugger": false},
	}
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// ValidName reports whether name can name a kernelspec (Jupyter's rule:
// letters, digits, ".", "_" and "-").
func ValidName(name string) bool { return validName.MatchString(name) }

// Install writes spec as the kernelspec name under dataDir/kernels (the
// Jupyter data directory), with its logos, and returns its directory.
// An existing kernelspec of that name is replaced.
func Install(dataDir, name string, spec Spec) (string, error) {
	if !ValidName(name) {
		return "", fmt.Errorf("kernel name %q: use only letters, digits, '.', '_' and '-'", name)
	}
	dir := filepath.Join(dataDir, "kernels", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("installing kernelspec: %w", err)
	}
	js, err := json.MarshalIndent(spec, "", " ")
	if err != nil {
		return "", fmt.Errorf("encoding kernel.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), append(js, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("installing kernelspec: %w", err)
	}
	for _, size := range []int{32, 64} {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("logo-%dx%d.png", size, size)), logo(size), 0o644); err != nil {
			return "", fmt.Errorf("installing kernelspec logo: %w", err)
		}
	}
	return dir, nil
}

// Uninstall removes the kernelspec name from dataDir/kernels and returns
// the directory it removed.
func Uninstall(dataDir, name string) (string, error) {
	if !ValidName(name) {
		return "", fmt.Errorf("kernel name %q: use only letters, digits, '.', '_' and '-'", name)
	}
	dir := filepath.Join(dataDir, "kernels", name)
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("no kernelspec %q in %s", name, filepath.Join(dataDir, "kernels"))
		}
		return "", fmt.Errorf("uninstalling kernelspec: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("uninstalling kernelspec: %w", err)
	}
	return dir, nil
}

// logo draws netstar's logo: a white four-pointed star on dark blue.
func logo(size int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	bg := color.NRGBA{0x1e, 0x3a, 0x5f, 0xff}
	fg := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	c := float64(size-1) / 2
	for y := range size {
		for x := range size {
			dx, dy := abs(float64(x)-c), abs(float64(y)-c)
			// A star: |dx|^0.5 + |dy|^0.5 <= r^0.5 (an astroid).
			r := c * 0.9
			if sqrt(dx)+sqrt(dy) <= sqrt(r) {
				img.Set(x, y, fg)
			} else {
				img.Set(x, y, bg)
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding into memory cannot fail
	return buf.Bytes()
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func sqrt(x float64) float64 {
	// Newton's method is plenty for a logo and keeps math out of the API.
	if x <= 0 {
		return 0
	}
	z := x
	for range 20 {
		z = (z + x/z) / 2
	}
	return z
}
