package catalog

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Unreachable tells whether err is a failure to talk to a service at all
// (connection refused or reset, unknown host, no answer in time) rather
// than an answer from it, and if so returns a sentence naming the service:
// the object store of the s3 block or the catalog of the catalog block,
// with its endpoint as configured. Such a failure says nothing about the
// declaration, so it must not be reported as a refusal.
func Unreachable(d *providerdata.Data, err error) (string, bool) {
	if err == nil {
		return "", false
	}
	var (
		urlErr *url.Error
		dnsErr *net.DNSError
		opErr  *net.OpError
		netErr net.Error
	)
	host := ""
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil {
			host = u.Host
		}
	}
	var cause string
	switch {
	case errors.As(err, &dnsErr):
		cause = fmt.Sprintf("the host name %s does not resolve", dnsErr.Name)
		if host == "" {
			host = dnsErr.Name
		}
	case errors.As(err, &opErr):
		if host == "" && opErr.Addr != nil {
			host = opErr.Addr.String()
		}
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			cause = "connection refused (nothing listens there)"
		case errors.Is(err, syscall.ECONNRESET):
			cause = "the connection was reset"
		case opErr.Timeout():
			cause = "no answer in time"
		default:
			cause = opErr.Err.Error()
		}
	case errors.As(err, &netErr) && netErr.Timeout():
		cause = "no answer in time"
	case urlErr != nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		cause = "the connection closed without an answer"
	default:
		return "", false
	}
	if d != nil && d.S3.Configured && sameHost(host, d.S3.Endpoint) ||
		d != nil && d.S3.Endpoint == "" && strings.HasSuffix(hostname(host), ".amazonaws.com") {
		return fmt.Sprintf("The object store at %s (the provider's s3 block) could not be reached: %s.", s3URL(d.S3), cause), true
	}
	if d != nil && d.Catalog.Configured {
		if what, at, ok := catalogEndpoint(d.Catalog); ok && (host == "" || sameHost(host, at)) {
			return fmt.Sprintf("The %s at %s (the provider's catalog block) could not be reached: %s.", what, at, cause), true
		}
	}
	if host == "" {
		host = "a service"
	}

	return fmt.Sprintf("%s could not be reached: %s.", host, cause), true
}

func s3URL(s providerdata.S3Settings) string {
	if s.Endpoint == "" {
		return "AWS S3"
	}
	if s.UseSSL {
		return "https://" + s.Endpoint
	}

	return "http://" + s.Endpoint
}

// catalogEndpoint names the catalog service and its host:port (or URL),
// never credentials from the URI.
func catalogEndpoint(s providerdata.CatalogSettings) (what, at string, ok bool) {
	if strings.EqualFold(s.Type, TypeREST) {
		u, err := url.Parse(s.URI)
		if err != nil || u.Host == "" {
			return "", "", false
		}
		u.User = nil

		return "REST catalog", u.Scheme + "://" + u.Host, true
	}
	if driver, _, _, err := SQLDriver(s.URI); err != nil || driver != "pgx" {
		return "", "", false
	}
	cfg, err := pgconn.ParseConfig(s.URI)
	if err != nil {
		return "", "", false
	}

	return "PostgreSQL catalog database", net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)), true
}

// sameHost compares host[:port] a with b; a port missing on either side
// matches any.
func sameHost(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ha, pa := splitHostPort(a)
	hb, pb := splitHostPort(b)

	return strings.EqualFold(ha, hb) && (pa == "" || pb == "" || pa == pb)
}

func splitHostPort(s string) (string, string) {
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil {
			s = u.Host
		}
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		return h, p
	}

	return strings.Trim(s, "[]"), ""
}

func hostname(s string) string {
	h, _ := splitHostPort(s)

	return h
}
