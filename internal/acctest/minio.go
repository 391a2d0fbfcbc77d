package acctest

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// MinIOVersion is the pinned server version, built from the Go module proxy.
// The server is a test and demo service only; nothing links it.
const MinIOVersion = "v0.0.0-20260212201848-7aac2a2c5b7c"

// MinIO is a running test server.
type MinIO struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	// TLS is true when the server was started WithMinIOCerts and so
	// answers HTTPS only.
	TLS bool
	dir string
	cmd *exec.Cmd
}

// MinIOBinary returns the path of the pinned server, building it into
// <repo>/.bin when it is missing (the Makefile normally has done so).
func MinIOBinary() (string, error) {
	if p := os.Getenv("LAKEHOUSE_MINIO_BIN"); p != "" {
		return p, nil
	}
	bin := filepath.Join(RepoRoot(), ".bin", "minio")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.Command("go", "install", "github.com/minio/minio@"+MinIOVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+filepath.Dir(bin))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the MinIO test server: %w\n%s", err, out)
	}

	return bin, nil
}

// MinIOOption changes how StartMinIO starts the server.
type MinIOOption func(*minioStart)

type minioStart struct {
	env      []string
	certsDir string
}

// WithMinIOCerts serves HTTPS with the public.crt and private.key in dir
// (MinIO's --certs-dir layout), for tests of the s3 block's TLS settings.
func WithMinIOCerts(dir string) MinIOOption {
	return func(s *minioStart) { s.certsDir = dir }
}

// WithMinIOEnv adds environment variables to the server's, for example the
// MINIO_IDENTITY_OPENID_* settings of OIDCIssuer.MinIOEnv. They come after
// the defaults, so they win.
func WithMinIOEnv(env map[string]string) MinIOOption {
	return func(s *minioStart) {
		for k, v := range env {
			s.env = append(s.env, k+"="+v)
		}
	}
}

// StartMinIO starts a MinIO server on a free loopback port with a fresh data
// directory and waits until it answers its readiness probe.
func StartMinIO(opts ...MinIOOption) (*MinIO, error) {
	var start minioStart
	for _, o := range opts {
		o(&start)
	}
	bin, err := MinIOBinary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lakehouse-minio-")
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	consolePort, err := FreePort()
	if err != nil {
		return nil, err
	}
	m := &MinIO{
		Endpoint:  fmt.Sprintf("127.0.0.1:%d", port),
		AccessKey: "lakehouse-admin",
		SecretKey: "lakehouse-admin-secret",
		TLS:       start.certsDir != "",
		dir:       dir,
	}
	args := []string{"server", "--quiet", "--address", m.Endpoint,
		"--console-address", fmt.Sprintf("127.0.0.1:%d", consolePort)}
	if m.TLS {
		args = append(args, "--certs-dir", start.certsDir)
	}
	m.cmd = exec.Command(bin, append(args, filepath.Join(dir, "data"))...)
	m.cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+m.AccessKey,
		"MINIO_ROOT_PASSWORD="+m.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_CI_CD=1",
	)
	m.cmd.Env = append(m.cmd.Env, start.env...)
	logf, err := os.Create(filepath.Join(dir, "minio.log"))
	if err != nil {
		return nil, err
	}
	m.cmd.Stdout, m.cmd.Stderr = logf, logf
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting MinIO: %w", err)
	}
	if err := m.waitReady(60 * time.Second); err != nil {
		m.Stop()
		log, _ := os.ReadFile(filepath.Join(dir, "minio.log"))

		return nil, fmt.Errorf("%w\n%s", err, log)
	}

	return m, nil
}

func (m *MinIO) waitReady(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	url := "http://" + m.Endpoint + "/minio/health/ready"
	client := http.DefaultClient
	if m.TLS {
		// The probe only asks whether the server is up; the tests judge
		// its certificate.
		url = "https://" + m.Endpoint + "/minio/health/ready"
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // readiness probe only
	}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("MinIO at %s not ready after %s", m.Endpoint, limit)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Env returns the provider environment variables that point at this server.
func (m *MinIO) Env() map[string]string {
	return map[string]string{
		"LAKEHOUSE_S3_ENDPOINT":   m.Endpoint,
		"LAKEHOUSE_S3_ACCESS_KEY": m.AccessKey,
		"LAKEHOUSE_S3_SECRET_KEY": m.SecretKey,
		"LAKEHOUSE_S3_USE_SSL":    strconv.FormatBool(m.TLS),
		"LAKEHOUSE_S3_PATH_STYLE": "true",
		"LAKEHOUSE_S3_REGION":     "us-east-1",
	}
}

// Setenv exports Env into this process, for the provider under test.
func (m *MinIO) Setenv() {
	for k, v := range m.Env() {
		// Setenv fails only for a malformed name, and these are constants.
		if err := os.Setenv(k, v); err != nil {
			panic(fmt.Sprintf("setting %s: %v", k, err))
		}
	}
}

// Stop kills the server and removes its data.
func (m *MinIO) Stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_, _ = m.cmd.Process.Wait()
	}
	_ = os.RemoveAll(m.dir)
}

// Restart stops the server process and starts it again on the same port and
// data directory, for tests of a backend that goes away mid-run.
func (m *MinIO) Restart() error {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_, _ = m.cmd.Process.Wait()
	}
	cmd := exec.Command(m.cmd.Path, m.cmd.Args[1:]...)
	cmd.Env, cmd.Stdout, cmd.Stderr = m.cmd.Env, m.cmd.Stdout, m.cmd.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	m.cmd = cmd

	return m.waitReady(60 * time.Second)
}

// RunWithMinIO is a TestMain body for packages whose acceptance tests need
// MinIO: without TF_ACC it just runs the tests (acceptance tests skip
// themselves); with it, it starts a server, points the provider at it
// through the environment, stores it in *server, runs the tests and stops
// the server.
func RunWithMinIO(m *testing.M, server **MinIO) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	if server == nil {
		server = new(*MinIO)
	}

	return RunWithServices(m, server, nil)
}

// RunWithServices is a TestMain body for packages whose tests always need
// real services: it starts MinIO when server is not nil (and points the
// provider at it through the environment) and PostgreSQL when pg is not
// nil, stores them, runs the tests and stops what it started.
func RunWithServices(m *testing.M, server **MinIO, pg **Postgres) int {
	if server != nil {
		s, err := StartMinIO()
		if err != nil {
			fmt.Fprintln(os.Stderr, "starting MinIO:", err)

			return 1
		}
		defer s.Stop()
		s.Setenv()
		*server = s
	}
	if pg != nil {
		p, err := StartPostgres()
		if err != nil {
			fmt.Fprintln(os.Stderr, "starting PostgreSQL:", err)

			return 1
		}
		defer p.Stop()
		*pg = p
	}

	return m.Run()
}

// S3Client is a direct client to server, for test setup and for the
// out-of-band changes of drift tests. Without a server (no TF_ACC) the test
// is skipped, as acceptance tests are.
func S3Client(t testing.TB, server *MinIO) *minio.Client {
	t.Helper()
	if server == nil {
		t.Skip("needs MinIO; set TF_ACC=1")
	}
	c, err := minio.New(server.Endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(server.AccessKey, server.SecretKey, ""), Region: "us-east-1",
	})
	if err != nil {
		t.Fatal(err)
	}

	return c
}
