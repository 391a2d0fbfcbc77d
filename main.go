// Command terraform-provider-lakehouse serves the lakehouse Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/spanda-ai/lakehouse",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
