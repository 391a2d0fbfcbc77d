// Package tlstest makes a throwaway certificate authority for tests of the
// provider's TLS settings: a CA certificate to trust, server certificates
// it signs for loopback, and TLS servers and proxies that present them.
package tlstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA is a test certificate authority.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

// New returns a fresh CA, valid for a day.
func New(t testing.TB) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: "lakehouse test CA", Organization: []string{"Example University"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}

	return &CA{cert: cert, key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// PEM is the CA certificate, the text a user gives as ca_certificate.
func (c *CA) PEM() string { return c.pem }

// WritePEM writes the CA certificate to a file in a fresh temporary
// directory and returns its path, the value of ca_file.
func (c *CA) WritePEM(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "internal-ca.pem")
	if err := os.WriteFile(p, []byte(c.pem), 0o600); err != nil {
		t.Fatal(err)
	}

	return p
}

// ServerCert returns a certificate for 127.0.0.1, ::1 and localhost signed
// by the CA, as PEM certificate and PEM private key.
func (c *CA) ServerCert(t testing.TB) (certPEM, keyPEM []byte) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}

	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

// WriteServerFiles writes a server certificate and key as public.crt and
// private.key in a fresh temporary directory, the layout MinIO's
// --certs-dir expects, and returns the directory.
func (c *CA) WriteServerFiles(t testing.TB) string {
	t.Helper()
	certPEM, keyPEM := c.ServerCert(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "public.crt"), certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "private.key"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	return dir
}

// NewServer serves h over TLS with a certificate the CA signed; the server
// is closed when the test ends.
func (c *CA) NewServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	certPEM, keyPEM := c.ServerCert(t)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	return srv
}

// Proxy puts a TLS front, with a certificate the CA signed, before the
// plain-HTTP server at target (a contract fake), as a TLS-terminating load
// balancer in front of a campus service does.
func (c *CA) Proxy(t testing.TB, target string) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}

	return c.NewServer(t, httputil.NewSingleHostReverseProxy(u))
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	return key
}

func serial(t testing.TB) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}

	return n
}
