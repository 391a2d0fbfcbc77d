// Command lakehouse-runner runs the lakehouse's data workloads: validate a
// submission, check expectation suites, de-identify, load into Iceberg.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
