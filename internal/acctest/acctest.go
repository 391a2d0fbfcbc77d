// Package acctest is the shared harness for acceptance tests: provider
// factories for terraform-plugin-testing and real services (MinIO,
// PostgreSQL) started on free loopback ports for the duration of a test
// package. Resource tests live in external _test packages so they can import
// this package without an import cycle.
package acctest

import (
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
)

// ProviderFactories serve the provider in-process to the real terraform CLI.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"lakehouse": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// NamePrefix starts every name a test creates, so sweepers and humans can
// tell test leftovers from real objects.
const NamePrefix = "tf-acc-"

// RandomName returns NamePrefix plus a random lower-case suffix, valid as a
// bucket, namespace or table name.
func RandomName() string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))] //nolint:gosec // names need no crypto randomness
	}

	return NamePrefix + string(b)
}

// FreePort asks the kernel for an unused loopback TCP port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }() // only the port number was wanted

	return l.Addr().(*net.TCPAddr).Port, nil //nolint:forcetypeassert // a tcp listener always has a TCP address
}

// RepoRoot finds the module root from this source file's location, so tests
// find .bin and testdata whatever the working directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)

	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDataDir is ../shared/data next to the checkout, where the real test
// inputs live. Tests that need it skip with a reason when it is absent; the
// demo's copies under examples/ never need it.
func SharedDataDir() string {
	if d := os.Getenv("LAKEHOUSE_SHARED_DATA"); d != "" {
		return d
	}

	return filepath.Join(RepoRoot(), "..", "shared", "data")
}
