package datasets_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datasources/datasets"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var server *acctest.MinIO

func TestMain(m *testing.M) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		os.Exit(m.Run())
	}
	var err error
	if server, err = acctest.StartMinIO(); err != nil {
		fmt.Fprintln(os.Stderr, "starting MinIO:", err)
		os.Exit(1)
	}
	server.Setenv()
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

var providerFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"lakehouse": providerserver.NewProtocol6WithError(datasetsOnly{provider.New("test")()}),
}

type datasetsOnly struct{ fwprovider.Provider }

func (datasetsOnly) Resources(context.Context) []func() fwresource.Resource { return nil }

func (datasetsOnly) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{datasets.NewDatasetsDataSource}
}

func s3client(t *testing.T) *minio.Client {
	t.Helper()
	c, err := objectstore.New(providerdata.S3Settings{Configured: true, Endpoint: server.Endpoint, AccessKey: server.AccessKey,
		SecretKey: server.SecretKey, Region: "us-east-1", PathStyle: true}, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// store writes a record the way lakehouse_dataset does.
func store(t *testing.T, c *minio.Client, bucket string, r *fair.Record) {
	t.Helper()
	dk, sk := fair.Keys(fair.DefaultPrefix, r.DatasetID)
	for key, doc := range map[string]map[string]any{dk: r.DataCite(), sk: r.SchemaOrg()} {
		raw, _ := json.Marshal(doc)
		if _, err := fair.Put(context.Background(), c, bucket, key, string(raw), "application/json"); err != nil {
			t.Fatal(err)
		}
	}
}

func record(id, title, license, access string, keywords []string, creator, orcid string) *fair.Record {
	return &fair.Record{
		DatasetID: id, Title: title, Description: "About " + title, Publisher: "Example University", PublicationYear: 2025,
		ResourceTypeGeneral: "Dataset", License: license, AccessLevel: access, Keywords: keywords,
		Creators: []fair.Creator{{Name: creator, NameType: "Personal", ORCID: orcid}},
		Subjects: []fair.Subject{{Subject: "Educational sciences", Scheme: "FOS"}},
	}
}

func TestAccDatasetsDatasets_search(t *testing.T) {
	if server == nil {
		t.Skip("acceptance test: set TF_ACC=1 (starts MinIO)")
	}
	c := s3client(t)
	bucket := acctest.RandomName()
	if err := c.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	store(t, c, bucket, record("oulad", "Open University Learning Analytics", "CC-BY-4.0", "restricted",
		[]string{"learning analytics", "moocs"}, "Kuzilek, Jakub", "0000-0002-1825-0097"))
	store(t, c, bucket, record("naep-sample", "Assessment sample", "CC0-1.0", "open", []string{"assessment"}, "Carberry, Josiah", ""))
	// A broken record is reported and skipped, not fatal to discovery.
	if _, err := fair.Put(context.Background(), c, bucket, "datasets/broken/datacite.json", "{not json", "application/json"); err != nil {
		t.Fatal(err)
	}
	// Objects outside the record layout are ignored.
	if _, err := fair.Put(context.Background(), c, bucket, "datasets/README.md", "x", "text/plain"); err != nil {
		t.Fatal(err)
	}
	query := func(filters string) string {
		return fmt.Sprintf(`data "lakehouse_datasets" "q" {
  bucket = %[1]q
  %[2]s
}`, bucket, filters)
	}
	ids := func(want ...string) statecheck.StateCheck {
		vals := make([]knownvalue.Check, len(want))
		for i, w := range want {
			vals[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"dataset_id": knownvalue.StringExact(w)})
		}

		return statecheck.ExpectKnownValue("data.lakehouse_datasets.q", tfjsonpath.New("datasets"), knownvalue.ListExact(vals))
	}
	step := func(filters string, want ...string) resource.TestStep {
		return resource.TestStep{Config: query(filters), ConfigStateChecks: []statecheck.StateCheck{ids(want...)}}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{Config: query(`license = "CC BY"`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)license.*SPDX`)},
			{
				Config: query(""),
				ConfigStateChecks: []statecheck.StateCheck{
					ids("naep-sample", "oulad"),
					statecheck.ExpectKnownValue("data.lakehouse_datasets.q", tfjsonpath.New("datasets").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"license": knownvalue.StringExact("CC-BY-4.0"), "access_level": knownvalue.StringExact("restricted"),
						"creators":     knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Kuzilek, Jakub")}),
						"datacite_key": knownvalue.StringExact("datasets/oulad/datacite.json"),
					})),
				},
			},
			step(`keyword = "MOOCs"`, "oulad"),
			step(`license = "CC0-1.0"`, "naep-sample"),
			step(`creator = "https://orcid.org/0000-0002-1825-0097"`, "oulad"),
			step(`creator = "carberry"`, "naep-sample"),
			step(`subject = "educational sciences"`, "naep-sample", "oulad"),
			step(`query = "learning analytics"`, "oulad"),
			step(`access_level = "open"`, "naep-sample"),
			step(`keyword = "moocs"
  license = "CC0-1.0"`),
		},
	})
}
