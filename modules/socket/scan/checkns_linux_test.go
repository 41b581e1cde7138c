//go:build linux

package scan_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netstar/netstar/modules/socket/scan"
)

func TestCheckNamespace(t *testing.T) {
	if _, err := os.Stat("/proc/self/ns/net"); err != nil {
		t.Skip("needs /proc/self/ns/net")
	}
	if err := scan.CheckNamespace("/proc/self/ns/net"); err != nil {
		t.Errorf("own network namespace: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "nonexistent")
	if err := scan.CheckNamespace(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
	plain := filepath.Join(t.TempDir(), "plain")
	os.WriteFile(plain, []byte("x"), 0o644)
	if err := scan.CheckNamespace(plain); err == nil || !strings.Contains(err.Error(), "not a namespace file") {
		t.Errorf("regular file: %v", err)
	}
	// Another kind of namespace: refused where the kernel tells the kind.
	if err := scan.CheckNamespace("/proc/self/ns/uts"); err != nil && !strings.Contains(err.Error(), "not a network namespace") {
		t.Errorf("uts namespace: %v", err)
	} else if err == nil {
		t.Log("this kernel does not tell a namespace's kind (NS_GET_NSTYPE); setns will refuse it")
	}
}
