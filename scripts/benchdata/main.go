// Command benchdata writes the runner benchmark inputs: a CSV of ROWS
// student-like records with free text, the de-identification policy and the
// expectation suite scripts/bench.sh runs on it. Not part of any binary.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
)

const policy = `{"format_version":1,"subject_column":"id","columns":{
  "id":{"action":"pseudonymise"},
  "name":{"action":"drop"},
  "email":{"action":"mask","masking_char":"*","chars_to_mask":6},
  "notes":{"action":"scrub"},
  "visit":{"action":"date_shift"},
  "score":{"action":"keep"},
  "term":{"action":"keep"}}}
`

const suite = `{"name":"bench","expectations":[
  {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"id"}},
  {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}},
  {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
  {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"term","value_set":["2023J","2024B","2024J"]}},
  {"type":"expect_column_values_to_match_regex","kwargs":{"column":"email","regex":"^[^@]+@[^@]+$"}},
  {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"name","min_value":1,"max_value":64}},
  {"type":"expect_column_mean_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
  {"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1}}]}
`

var terms = []string{"2023J", "2024B", "2024J"}

func main() {
	rows := flag.Int("rows", 1_000_000, "data rows")
	dir := flag.String("dir", ".", "output folder")
	namespace := flag.String("namespace", "", "also create this Iceberg namespace in the catalog the LAKEHOUSE_CATALOG_* variables name, for `load`")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	if *namespace != "" {
		if err := createNamespace(*namespace); err != nil {
			log.Fatal(err)
		}
	}
	for name, text := range map[string]string{"policy.json": policy, "suite.json": suite} {
		if err := os.WriteFile(filepath.Join(*dir, name), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(*dir, "data.csv"))
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	// A bufio.Writer keeps its first error, and Flush below reports it.
	_, _ = fmt.Fprintln(w, "id,name,email,notes,visit,score,term")
	for i := 0; i < *rows; i++ {
		_, _ = fmt.Fprintf(w, "%d,Student %d,s%d@uni.example.edu,\"Met tutor on 2024-%02d-%02d about TMA%02d; call 617-555-%04d\",2024-%02d-%02d,%d.%d,%s\n",
			i, i, i, i%12+1, i%28+1, i%6+1, i%10000, (i/7)%12+1, (i/3)%28+1, i%101, i%10, terms[i%3])
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func createNamespace(name string) error {
	d, err := provider.Settings()
	if err != nil {
		return err
	}
	ctx := context.Background()
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		return err
	}

	return cat.CreateNamespace(ctx, []string{name}, nil)
}
