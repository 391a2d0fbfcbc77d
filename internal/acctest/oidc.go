package acctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// OIDCIssuer is an in-process OpenID Connect provider on a free loopback
// port: it serves the discovery document and the JWKS of a key generated
// at start, and mints signed ID tokens with whatever claims a test asks
// for. It has no login flow: a test takes the token straight from Token,
// as a client would after signing in.
type OIDCIssuer struct {
	URL      string // issuer URL, http://127.0.0.1:<port>
	ClientID string // the audience of every token
	srv      *httptest.Server
	signer   jose.Signer
}

// StartOIDCIssuer starts an issuer whose tokens are meant for clientID.
func StartOIDCIssuer(clientID string) (*OIDCIssuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the OpenID signing key: %w", err)
	}
	const kid = "lakehouse-test-key"
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("creating the OpenID token signer: %w", err)
	}
	o := &OIDCIssuer{ClientID: clientID, signer: signer}
	jwks := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{
			"issuer":                                o.URL,
			"jwks_uri":                              o.URL + "/jwks",
			"authorization_endpoint":                o.URL + "/authorize",
			"token_endpoint":                        o.URL + "/token",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{string(jose.RS256)},
			"scopes_supported":                      []string{"openid", "groups"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, jwks) })
	// httptest listens on 127.0.0.1 with a port the kernel picks.
	o.srv = httptest.NewServer(mux)
	o.URL = o.srv.URL

	return o, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v) // the client sees a short body if it hangs up
}

// ConfigURL is the discovery document's address.
func (o *OIDCIssuer) ConfigURL() string { return o.URL + "/.well-known/openid-configuration" }

// Token mints an ID token valid for an hour, with iss, aud (the client
// ID), iat and exp set, and then the given claims, which may override them.
func (o *OIDCIssuer) Token(claims map[string]any) (string, error) {
	now := time.Now()
	all := map[string]any{"iss": o.URL, "aud": o.ClientID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	maps.Copy(all, claims)
	tok, err := jwt.Signed(o.signer).Claims(all).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing the ID token: %w", err)
	}

	return tok, nil
}

// MinIOEnv is the MinIO configuration that trusts this issuer, with
// policies named in the token claim claimName.
func (o *OIDCIssuer) MinIOEnv(claimName string) map[string]string {
	return map[string]string{
		"MINIO_IDENTITY_OPENID_CONFIG_URL": o.ConfigURL(),
		"MINIO_IDENTITY_OPENID_CLIENT_ID":  o.ClientID,
		"MINIO_IDENTITY_OPENID_CLAIM_NAME": claimName,
	}
}

// Close stops the issuer.
func (o *OIDCIssuer) Close() { o.srv.Close() }
