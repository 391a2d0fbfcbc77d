package superset_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

// rawAPI talks to the fake without the client, which refuses to send the
// mask: these checks send it on purpose, as Superset's own UI does.
type rawAPI struct {
	t     *testing.T
	base  string
	token string
}

func newRawAPI(t *testing.T, fake *supersettest.Server) *rawAPI {
	t.Helper()
	a := &rawAPI{t: t, base: fake.URL}
	var out struct {
		Token string `json:"access_token"`
	}
	if st := a.do(http.MethodPost, "/api/v1/security/login", map[string]any{"username": "admin", "password": "admin", "provider": "db"}, &out); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	a.token = out.Token

	return a
}

func (a *rawAPI) do(method, path string, in, out any) int {
	a.t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(method, a.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}

	return resp.StatusCode
}

type connView struct {
	Result struct {
		SSHTunnel            map[string]any `json:"ssh_tunnel"`
		MaskedEncryptedExtra *string        `json:"masked_encrypted_extra"`
	} `json:"result"`
}

func (a *rawAPI) connection(id int64) connView {
	a.t.Helper()
	var v connView
	if st := a.do(http.MethodGet, superset.ItemPath(superset.Databases, id)+"/connection", nil, &v); st != http.StatusOK {
		a.t.Fatalf("GET connection: %d", st)
	}

	return v
}

// The fake keeps SSH tunnel and encrypted_extra secrets as Superset does:
// masked on every read path, kept when the mask or nothing comes back,
// replaced when a real value comes, the tunnel deleted by null, and
// refused when it lacks credentials, has two, or moves without them.
func TestFake_databaseSecrets(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{NoCSRF: true, SSHTunneling: true})
	a := newRawAPI(t, fake)
	tunnel := map[string]any{"server_address": "bastion", "server_port": 22, "username": "tun", "password": "tunnel-pw"}
	var created struct {
		ID     int64          `json:"id"`
		Result map[string]any `json:"result"`
	}
	st := a.do(http.MethodPost, "/api/v1/database/", map[string]any{
		"database_name": "bq", "sqlalchemy_uri": "bigquery://proj", "ssh_tunnel": tunnel,
		"masked_encrypted_extra": `{"credentials_info":{"project_id":"proj","private_key":"bq-key"}}`,
	}, &created)
	if st != http.StatusBadRequest {
		// bigquery has no default port: the tunnel needs one in the URI.
		t.Fatalf("tunnel on a URI without a port: %d, want 400", st)
	}
	st = a.do(http.MethodPost, "/api/v1/database/", map[string]any{
		"database_name": "bq", "sqlalchemy_uri": "bigquery://proj:443/x", "ssh_tunnel": tunnel,
		"masked_encrypted_extra": `{"credentials_info":{"project_id":"proj","private_key":"bq-key"}}`,
	}, &created)
	if st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	id := created.ID
	if echo, _ := json.Marshal(created.Result["ssh_tunnel"]); strings.Contains(string(echo), "tunnel-pw") || !strings.Contains(string(echo), superset.PasswordMask) {
		t.Errorf("POST echoes the tunnel %s, want it masked", echo)
	}
	v := a.connection(id)
	if v.Result.SSHTunnel["password"] != superset.PasswordMask || v.Result.SSHTunnel["server_address"] != "bastion" {
		t.Errorf("connection ssh_tunnel = %v, want masked password", v.Result.SSHTunnel)
	}
	if v.Result.MaskedEncryptedExtra == nil || !strings.Contains(*v.Result.MaskedEncryptedExtra, `"private_key":"XXXXXXXXXX"`) ||
		!strings.Contains(*v.Result.MaskedEncryptedExtra, `"project_id":"proj"`) {
		t.Errorf("masked_encrypted_extra = %v, want only the key masked", v.Result.MaskedEncryptedExtra)
	}
	var plain struct {
		Result map[string]any `json:"result"`
	}
	a.do(http.MethodGet, superset.ItemPath(superset.Databases, id), nil, &plain)
	if b, _ := json.Marshal(plain.Result); strings.Contains(string(b), "tunnel-pw") || strings.Contains(string(b), "bq-key") {
		t.Errorf("GET database leaks a secret: %s", b)
	}
	if o, _ := json.Marshal(fake.Object("database", id)); strings.Contains(string(o), "tunnel-pw") || strings.Contains(string(o), "bq-key") {
		t.Errorf("secrets stored in the object: %s", o)
	}

	put := func(body map[string]any) int {
		t.Helper()

		return a.do(http.MethodPut, superset.ItemPath(superset.Databases, id), body, nil)
	}
	// The masks sent back keep the stored values; so does leaving them out.
	masked := map[string]any{"server_address": "bastion", "server_port": 22, "username": "tun2", "password": superset.PasswordMask}
	if st := put(map[string]any{"ssh_tunnel": masked, "masked_encrypted_extra": *v.Result.MaskedEncryptedExtra}); st != http.StatusOK {
		t.Fatalf("PUT with masks: %d", st)
	}
	if got := fake.StoredTunnel(id); got == nil || got.Password == nil || *got.Password != "tunnel-pw" || got.Username != "tun2" {
		t.Errorf("tunnel after a masked PUT = %+v", got)
	}
	if got := fake.StoredEncryptedExtra(id); !strings.Contains(got, "bq-key") {
		t.Errorf("encrypted_extra after a masked PUT = %s", got)
	}
	if st := put(map[string]any{"expose_in_sqllab": false}); st != http.StatusOK || fake.StoredTunnel(id) == nil || !strings.Contains(fake.StoredEncryptedExtra(id), "bq-key") {
		t.Errorf("PUT without secrets: %d, tunnel %+v, extra %s", st, fake.StoredTunnel(id), fake.StoredEncryptedExtra(id))
	}
	// Moving the tunnel with masked credentials is refused; with fresh
	// ones it moves. A key replaces the stored password.
	if st := put(map[string]any{"ssh_tunnel": map[string]any{"server_address": "other", "server_port": 22, "username": "tun2", "password": superset.PasswordMask}}); st != http.StatusUnprocessableEntity {
		t.Errorf("moving the tunnel with the mask: %d, want 422", st)
	}
	if st := put(map[string]any{"ssh_tunnel": map[string]any{"server_address": "other", "server_port": 2222, "username": "tun2", "private_key": "KEY"}}); st != http.StatusOK {
		t.Fatalf("moving the tunnel with a key: %d", st)
	}
	if got := fake.StoredTunnel(id); got.ServerAddress != "other" || got.Password != nil || got.PrivateKey == nil || *got.PrivateKey != "KEY" {
		t.Errorf("tunnel after switching to a key = %+v", got)
	}
	for name, tun := range map[string]map[string]any{
		"both credentials": {"server_address": "other", "server_port": 2222, "username": "tun2", "password": "p", "private_key": "k"},
		"unknown field":    {"server_address": "other", "server_port": 2222, "username": "tun2", "bogus": 1},
		"null password":    {"server_address": "other", "server_port": 2222, "username": "tun2", "password": nil},
	} {
		if st := put(map[string]any{"ssh_tunnel": tun}); st != http.StatusUnprocessableEntity && st != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400 or 422", name, st)
		}
	}
	// A real encrypted_extra replaces the stored one; null clears it.
	if st := put(map[string]any{"masked_encrypted_extra": `{"credentials_info":{"private_key":"new-key"}}`}); st != http.StatusOK || !strings.Contains(fake.StoredEncryptedExtra(id), "new-key") {
		t.Errorf("new encrypted_extra: %d, %s", st, fake.StoredEncryptedExtra(id))
	}
	if st := put(map[string]any{"masked_encrypted_extra": nil}); st != http.StatusOK || fake.StoredEncryptedExtra(id) != "" {
		t.Errorf("null encrypted_extra: %d, %q", st, fake.StoredEncryptedExtra(id))
	}
	// null deletes the tunnel.
	if st := put(map[string]any{"ssh_tunnel": nil}); st != http.StatusOK || fake.StoredTunnel(id) != nil {
		t.Errorf("ssh_tunnel null: %d, tunnel %+v", st, fake.StoredTunnel(id))
	}
	if v := a.connection(id); v.Result.SSHTunnel != nil {
		t.Errorf("connection after deleting the tunnel: %v", v.Result.SSHTunnel)
	}

	// Creating a tunnel without credentials, and any tunnel while the
	// feature flag is off, is refused.
	noCred := map[string]any{"server_address": "b", "server_port": 22, "username": "u"}
	if st := a.do(http.MethodPost, "/api/v1/database/", map[string]any{"database_name": "x", "sqlalchemy_uri": "postgresql://u@h/d", "ssh_tunnel": noCred}, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("tunnel without credentials: %d, want 422", st)
	}
	fake.SetSSHTunneling(false)
	if st := a.do(http.MethodPost, "/api/v1/database/", map[string]any{"database_name": "y", "sqlalchemy_uri": "postgresql://u@h/d", "ssh_tunnel": tunnel}, nil); st != http.StatusBadRequest {
		t.Errorf("tunnel with SSH_TUNNELING off: %d, want 400", st)
	}

	// Pointing the connection elsewhere (URI or engine_params) needs the
	// stored password again, and a different encrypted_extra.
	var pg struct {
		ID int64 `json:"id"`
	}
	if st := a.do(http.MethodPost, "/api/v1/database/", map[string]any{
		"database_name": "moved", "sqlalchemy_uri": "postgresql://u:pw@h:5432/d", "masked_encrypted_extra": `{"token":"t1"}`,
	}, &pg); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	putPG := func(body map[string]any) int {
		t.Helper()

		return a.do(http.MethodPut, superset.ItemPath(superset.Databases, pg.ID), body, nil)
	}
	engine := `{"engine_params":{"connect_args":{"host":"elsewhere"}}}`
	for _, c := range []struct {
		name string
		body map[string]any
		want int
	}{
		{"engine_params alone", map[string]any{"extra": engine}, http.StatusUnprocessableEntity},
		{"new host with the mask", map[string]any{"sqlalchemy_uri": "postgresql://u:XXXXXXXXXX@h2:5432/d", "masked_encrypted_extra": `{"token":"t2"}`}, http.StatusUnprocessableEntity},
		{"new host, same extra", map[string]any{"sqlalchemy_uri": "postgresql://u:pw@h2:5432/d", "masked_encrypted_extra": `{"token":"t1"}`}, http.StatusUnprocessableEntity},
		{"same host, mask", map[string]any{"sqlalchemy_uri": "postgresql://u:XXXXXXXXXX@h:5432/d"}, http.StatusOK},
		{"new host with fresh secrets", map[string]any{"sqlalchemy_uri": "postgresql://u:pw@h2:5432/d", "masked_encrypted_extra": `{"token":"t2"}`}, http.StatusOK},
		{"engine_params with fresh secrets", map[string]any{"sqlalchemy_uri": "postgresql://u:pw@h2:5432/d", "extra": engine, "masked_encrypted_extra": `{"token":"t3"}`}, http.StatusOK},
	} {
		if st := putPG(c.body); st != c.want {
			t.Errorf("%s: %d, want %d", c.name, st, c.want)
		}
	}

	// Other engines mask every top-level value of encrypted_extra.
	st = a.do(http.MethodPost, "/api/v1/database/", map[string]any{
		"database_name": "pg", "sqlalchemy_uri": "postgresql://u@h:5432/d", "masked_encrypted_extra": `{"token":"pg-token","region":"eu"}`,
	}, &created)
	if st != http.StatusCreated {
		t.Fatalf("create pg: %d", st)
	}
	if v := a.connection(created.ID); v.Result.MaskedEncryptedExtra == nil || strings.Contains(*v.Result.MaskedEncryptedExtra, "pg-token") ||
		strings.Contains(*v.Result.MaskedEncryptedExtra, "eu") {
		t.Errorf("masked_encrypted_extra of postgresql = %v, want every value masked", v.Result.MaskedEncryptedExtra)
	}
}
