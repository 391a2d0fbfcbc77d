package submission_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The demo input shipped in examples/quickstart/data is the real data of
// ../shared/data, copied unchanged, so the tests on the shipped copy are
// tests on the real files. Skipped where ../shared is not checked out.
func TestShippedDataIsTheRealData(t *testing.T) {
	shared := filepath.Join(repoDir(), "..", "shared", "data")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no %s here: %v", shared, err)
	}
	pairs := map[string]string{
		"synthea/patients.csv": filepath.Join(repoDir(), "examples", "quickstart", "data", "synthea", "patients.csv"),
	}
	for _, f := range []string{"courses.csv", "assessments.csv", "vle.csv", "studentInfo.csv", "studentRegistration.csv", "studentAssessment.csv"} {
		pairs["oulad/"+f] = filepath.Join(ouladDir(), f)
	}
	for src, shipped := range pairs {
		want, err := os.ReadFile(filepath.Join(shared, src))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(shipped)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from ../shared/data/%s", shipped, src)
		}
	}
}
