package fair_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite/datacitetest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
)

func sample() *fair.Record {
	return &fair.Record{
		DatasetID: "oulad-2025", Title: "Open University Learning Analytics", Description: "Students, modules and clicks.",
		Creators: []fair.Creator{
			{Name: "Kuzilek, Jakub", NameType: "Personal", GivenName: "Jakub", FamilyName: "Kuzilek", ORCID: "0000-0002-1825-0097",
				Affiliations: []fair.Affiliation{{Name: "The Open University", ROR: "05mzfcs16"}}},
			{Name: "Learning Analytics Lab", NameType: "Organizational"},
		},
		Publisher: "Example University", PublicationYear: 2025, ResourceTypeGeneral: "Dataset", ResourceType: "Tabular",
		Subjects:          []fair.Subject{{Subject: "Educational sciences", Scheme: "Fields of Science and Technology (FOS)", SchemeURI: "http://www.oecd.org/science/inno/38235147.pdf"}},
		Keywords:          []string{"learning analytics", "moocs"},
		License:           "CC-BY-4.0",
		Version:           "1.0",
		AccessLevel:       "restricted",
		DataUseAgreement:  "https://example.edu/dua/17",
		ConsentReferences: []string{"IRB-2024-17"},
		RelatedTables:     []string{"curated.student_info"},
		RelatedPrefixes:   []string{"s3://raw/oulad/"},
		LandingURL:        "https://data.example.edu/oulad",
	}
}

func roundTrip(t *testing.T, v map[string]any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}

	return raw
}

func TestRecord_roundTrip(t *testing.T) {
	in := sample()
	out, err := fair.Decode(roundTrip(t, in.DataCite()), roundTrip(t, in.SchemaOrg()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip changed the record:\n in  %+v\n out %+v", in, out)
	}
}

// The server rewrites what it stores (year type, SPDX case, affiliation
// shape, nameType and empty lists); none of that may look like drift.
func TestDOIMetadata_ignoresServerNormalisation(t *testing.T) {
	fake := datacitetest.New("DEMO.UNI", "pw", "10.5072")
	defer fake.Close()
	c, err := datacite.New(datacite.Options{Endpoint: fake.URL, RepositoryID: "DEMO.UNI", Password: "pw", Prefix: "10.5072"})
	if err != nil {
		t.Fatal(err)
	}
	r := sample()
	r.Creators[1].NameType = ""
	sent := r.DataCite()
	d, err := c.Create(context.Background(), "10.5072/oulad", sent, datacite.EventPublish)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Creators[1].NameType = "Personal" // what the server defaults to
	want := fair.DOIMetadata(roundTripMap(t, r.DataCite()))
	if have := fair.DOIMetadata(got.Attributes); !reflect.DeepEqual(want, have) {
		t.Errorf("server normalisation shows as drift:\n want %v\n have %v", want, have)
	}
	// A real change does show.
	fake.SetAttribute(d.ID, "titles", []any{map[string]any{"title": "Renamed in Fabrica"}})
	got, _ = c.Get(context.Background(), d.ID)
	if reflect.DeepEqual(want, fair.DOIMetadata(got.Attributes)) {
		t.Error("an out-of-band title change is not visible")
	}
}

func roundTripMap(t *testing.T, v map[string]any) map[string]any {
	var out map[string]any
	if err := json.Unmarshal(roundTrip(t, v), &out); err != nil {
		t.Fatal(err)
	}

	return out
}

func TestFilter(t *testing.T) {
	r := sample()
	cases := []struct {
		f    fair.Filter
		want bool
	}{
		{fair.Filter{}, true},
		{fair.Filter{Keyword: "MOOCs"}, true},
		{fair.Filter{Keyword: "mooc"}, false},
		{fair.Filter{Subject: "educational sciences"}, true},
		{fair.Filter{Creator: "kuzilek"}, true},
		{fair.Filter{Creator: "https://orcid.org/0000-0002-1825-0097"}, true},
		{fair.Filter{Creator: "Smith"}, false},
		{fair.Filter{License: "cc-by-4.0"}, true},
		{fair.Filter{License: "CC0-1.0"}, false},
		{fair.Filter{Query: "learning clicks"}, true},
		{fair.Filter{Query: "learning weather"}, false},
		{fair.Filter{Access: "open"}, false},
	}
	for _, c := range cases {
		if got := c.f.Match(r); got != c.want {
			t.Errorf("%+v: got %v", c.f, got)
		}
	}
}
