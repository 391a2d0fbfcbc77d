package httpx

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
)

// TLS is one backend block's TLS settings.
type TLS struct {
	InsecureSkipVerify bool
	// CAPEM holds CA certificates (PEM) trusted in addition to the system
	// roots, for services behind an institution's internal CA.
	CAPEM string
}

// Config returns the client TLS configuration for t, or nil when Go's
// defaults apply (system roots, verification on).
func (t TLS) Config() (*tls.Config, error) {
	if !t.InsecureSkipVerify && t.CAPEM == "" {
		return nil, nil
	}
	cfg := &tls.Config{InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // skipping only when the user asks for it
	if t.CAPEM != "" {
		pool, err := CertPool(t.CAPEM)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}

	return cfg, nil
}

// CertPool returns the system roots plus every certificate in caPEM. Text
// around the PEM blocks is ignored, as in the usual CA bundles, but a block
// that is not a certificate (a private key pasted by mistake) or does not
// parse is an error, and so is text without any certificate. The error
// never quotes the input.
func CertPool(caPEM string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	rest := []byte(caPEM)
	n := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		n++
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %d is a %q block; only CERTIFICATE blocks are accepted", n, block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d is not a valid X.509 certificate: %w", n, err)
		}
		pool.AddCert(cert)
	}
	if n == 0 {
		return nil, errors.New("no PEM certificate found: expected one or more -----BEGIN CERTIFICATE----- blocks")
	}

	return pool, nil
}

// failingTransport answers every request with the error that kept the
// transport from being built, so a bad TLS setting fails loudly instead of
// silently falling back to weaker or different verification.
type failingTransport struct{ err error }

func (t failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, t.err }

var errBadTLS = errors.New("invalid TLS settings")
