package httpserve

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListingInBatches: a listing that may hold less than the
// directory (the shared pool empty) is sent in several passes, and the
// page is the same as the one made in a single pass.
func TestListingInBatches(t *testing.T) {
	dir := t.TempDir()
	const n = 60_000 // about 1.8 MiB of names and index: two passes or more on the 1 MiB floor
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Name-%05d-ñ.txt", (i*7919)%n)
		if i%2 == 0 {
			name = strings.ToLower(name)
		}
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := newStatic(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	page := func() string {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		return w.Body.String()
	}
	whole := page()
	h.pool.Store(0)
	batched := page()
	if strings.Count(whole, "<li>") != n || batched != whole {
		t.Fatalf("%d entries in one pass, %d in batches; same page: %v", strings.Count(whole, "<li>"), strings.Count(batched, "<li>"), batched == whole)
	}
	if h.pool.Load() != 0 {
		t.Fatalf("pool not given back: %d", h.pool.Load())
	}
}
