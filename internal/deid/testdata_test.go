package deid

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// testdata holds unchanged copies of ../shared/data/pii-text and the Synthea
// patients, so the accuracy and zero-leak tests run on the real files.
// Skipped where ../shared is not checked out.
func TestTestdataIsTheRealData(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no %s here: %v", shared, err)
	}
	for copyName, src := range map[string]string{
		"synth_dataset_v2.json": "pii-text/synth_dataset_v2.json",
		"synthea_patients.csv":  "synthea/patients.csv",
	} {
		got, err := os.ReadFile(filepath.Join("testdata", copyName))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(shared, src))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s differs from ../shared/data/%s", copyName, src)
		}
	}
}
