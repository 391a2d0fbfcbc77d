package labelstudio_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio/labelstudiotest"
)

// testAccProviderConfig points the provider at fake with the legacy token.
func testAccProviderConfig(fake *labelstudiotest.Server) string {
	return fmt.Sprintf(`
provider "lakehouse" {
  labelstudio {
    endpoint = %[1]q
    api_key  = %[2]q
  }
  retry {
    max_attempts = 2
    min_backoff  = "10ms"
    max_backoff  = "50ms"
  }
}
`, fake.URL, fake.APIKey)
}

func newFake(t *testing.T) *labelstudiotest.Server {
	t.Helper()
	fake := labelstudiotest.New()
	t.Cleanup(fake.Close)

	return fake
}

// resourceID reads a resource's id from the state during a test.
func resourceID(s *terraform.State, name string) (int64, error) {
	rs, ok := s.RootModule().Resources[name]
	if !ok {
		return 0, fmt.Errorf("%s not in state", name)
	}

	return strconv.ParseInt(rs.Primary.ID, 10, 64)
}

// onlyID returns the single id the fake holds, failing the test otherwise.
func onlyID(t *testing.T, ids []int64) int64 {
	t.Helper()
	if len(ids) != 1 {
		t.Fatalf("want exactly one object on the fake, got %v", ids)
	}

	return ids[0]
}
