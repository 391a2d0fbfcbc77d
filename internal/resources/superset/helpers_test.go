package superset_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

// providerConfig is the provider block for a fake, plus extra blocks.
func providerConfig(fake *supersettest.Server, extra ...string) string {
	return fmt.Sprintf("provider \"lakehouse\" {\n  %s\n  %s\n}\n", fake.ProviderBlock(), strings.Join(extra, "\n  "))
}

// captureID stores a resource's numeric id when a step's checks run, so a
// later step can change or delete the object behind Terraform's back.
func captureID(addr string, into *int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		id, err := strconv.ParseInt(rs.Primary.Attributes["id"], 10, 64)
		if err != nil {
			return fmt.Errorf("%s id: %w", addr, err)
		}
		*into = id

		return nil
	}
}

// stateLacks fails when a secret appears anywhere in the state.
type stateLacks struct{ secret string }

func (c stateLacks) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err

		return
	}
	if strings.Contains(string(raw), c.secret) {
		resp.Error = fmt.Errorf("the state contains the secret %q", c.secret)
	}
}

// bodyKeys lists the keys of a request body, sorted.
func bodyKeys(b map[string]any) []string {
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	return keys
}

// lastPut returns the body of the last PUT to path.
func lastPut(t *testing.T, fake *supersettest.Server, path string) map[string]any {
	t.Helper()
	puts := fake.Requests("PUT", path)
	if len(puts) == 0 {
		t.Fatalf("no PUT to %s", path)
	}

	return puts[len(puts)-1].Body
}

func itemPath(kind string, id int64) string { return fmt.Sprintf("/api/v1/%s/%d", kind, id) }
