package supersettest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
)

// The database secrets besides the URI password: the SSH tunnel and
// encrypted_extra, as Superset's UpdateDatabaseCommand, the SSH tunnel
// commands and the engine specs' mask_encrypted_extra/unmask_encrypted_extra
// handle them. The fake keeps them apart from the stored object (Superset
// encrypts them apart), so Object never shows them and every read path
// masks them.

// Tunnel is an SSH tunnel as the fake stores it, secrets in clear; a nil
// secret was never set.
type Tunnel struct {
	ServerAddress      string
	ServerPort         int64
	Username           string
	Password           *string
	PrivateKey         *string
	PrivateKeyPassword *string
}

// tunnelFields is Superset's DatabaseSSHTunnel schema: unknown fields are
// refused (the nested schema raises), and the strings may not be null.
var tunnelFields = map[string]string{
	"id": "i?", "server_address": "s", "server_port": "i", "username": "s",
	"password": "s", "private_key": "s", "private_key_password": "s",
}

// defaultPorts are the backends whose port Superset fills in when a tunnel
// is created on a URI without one (utils/ssh_tunnel.DEFAULT_PORTS).
var defaultPorts = map[string]bool{"postgresql": true, "mysql": true, "oracle": true, "mssql": true}

// sensitivePaths are the encrypted_extra fields each engine masks
// (encrypted_extra_sensitive_fields); every other engine masks every
// top-level value ("$.*"). The OAuth2 client secret is masked for every
// engine.
var sensitivePaths = map[string][][]string{
	"bigquery":  {{"credentials_info", "private_key"}},
	"datastore": {{"credentials_info", "private_key"}},
	"gsheets":   {{"service_account_info", "private_key"}},
	"snowflake": {{"auth_params", "privatekey_body"}, {"auth_params", "privatekey_pass"}},
}

// SetSSHTunneling switches the SSH_TUNNELING feature flag; like Superset,
// the fake starts with it off.
func (s *Server) SetSSHTunneling(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.SSHTunneling = on
}

// StoredTunnel is a copy of the tunnel the fake keeps for a database, or nil.
func (s *Server) StoredTunnel(id int64) *Tunnel {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tunnels[id]
	if t == nil {
		return nil
	}
	c := *t

	return &c
}

// StoredEncryptedExtra is the real encrypted_extra the fake keeps for a
// database ("" when it holds none).
func (s *Server) StoredEncryptedExtra(id int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.encrypted[id]
}

// MutateTunnel changes (fn) or, with a nil fn, removes a database's tunnel
// out of band, as an edit in the web UI would.
func (s *Server) MutateTunnel(id int64, fn func(*Tunnel)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn == nil {
		delete(s.tunnels, id)

		return
	}
	if t := s.tunnels[id]; t != nil {
		fn(t)
	}
}

// dbSecrets is what a POST or PUT asks for: set means the field was sent.
type dbSecrets struct {
	tunnelSet, extraSet bool
	tunnel              *Tunnel // nil: null (delete the tunnel)
	tunnelEmpty         bool    // {}: Python reads it as false
	encrypted           *string
}

// checkTunnelSchema is the 400 of the nested schema.
func checkTunnelSchema(v any) any {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return []string{"Not a valid mapping type."}
	}
	errs := map[string]any{}
	for k, f := range m {
		kind, ok := tunnelFields[k]
		if !ok {
			errs[k] = []string{"Unknown field."}
		} else if e := checkType(kind, f); e != "" {
			errs[k] = []string{e}
		}
	}
	if len(errs) == 0 {
		return nil
	}

	return errs
}

// splitSecrets takes ssh_tunnel and masked_encrypted_extra (or its old
// name encrypted_extra) out of a database body, so the rest is stored as
// the object.
func splitSecrets(body map[string]any) (map[string]any, dbSecrets) {
	rest := copyMap(body)
	var sec dbSecrets
	if v, ok := rest["ssh_tunnel"]; ok {
		sec.tunnelSet = true
		if m, ok := v.(map[string]any); ok {
			sec.tunnel, sec.tunnelEmpty = tunnelFrom(m), len(m) == 0
		}
		delete(rest, "ssh_tunnel")
	}
	for _, k := range []string{"encrypted_extra", "masked_encrypted_extra"} {
		if v, ok := rest[k]; ok {
			sec.extraSet = true
			sec.encrypted = nil
			if str, ok := v.(string); ok {
				sec.encrypted = &str
			}
			delete(rest, k)
		}
	}

	return rest, sec
}

func tunnelFrom(m map[string]any) *Tunnel {
	t := &Tunnel{ServerAddress: asString(m["server_address"]), ServerPort: asInt(m["server_port"]), Username: asString(m["username"])}
	str := func(k string) *string {
		if v, ok := m[k].(string); ok {
			return &v
		}

		return nil
	}
	t.Password, t.PrivateKey, t.PrivateKeyPassword = str("password"), str("private_key"), str("private_key_password")

	return t
}

// newTunnel checks a tunnel to create, as the create path does: the
// feature flag and a database port (400), then the required fields (422).
// Superset's REST create stores a tunnel with both a password and a
// private key (its import path refuses one, and its update keeps only the
// key); the fake refuses both everywhere, so a client that sends both is
// caught.
func (s *Server) newTunnel(t *Tunnel, uri string, defaults bool) *apiErr {
	if !s.opts.SSHTunneling {
		return msg(http.StatusBadRequest, "SSH Tunneling is not enabled")
	}
	if !hasPort(uri, defaults) {
		return msg(http.StatusBadRequest, "A database port is required when connecting via SSH Tunnel.")
	}
	has := func(p *string) bool { return p != nil && *p != "" }
	switch {
	case t.ServerAddress == "" || t.ServerPort == 0 || t.Username == "",
		!has(t.Password) && !has(t.PrivateKey),
		has(t.PrivateKeyPassword) && t.PrivateKey == nil:
		return msg(http.StatusUnprocessableEntity, "SSH Tunnel parameters are invalid.")
	case has(t.Password) && (t.PrivateKey != nil || t.PrivateKeyPassword != nil):
		return msg(http.StatusUnprocessableEntity, "Cannot have multiple credentials for the SSH Tunnel")
	}
	if masked(t) {
		// A tunnel created with the mask as its secret has no stored value
		// to fall back on; Superset would store the mask itself.
		return msg(http.StatusUnprocessableEntity, "SSH Tunnel parameters are invalid.")
	}

	return nil
}

func masked(t *Tunnel) bool {
	for _, p := range []*string{t.Password, t.PrivateKey, t.PrivateKeyPassword} {
		if p != nil && *p == superset.PasswordMask {
			return true
		}
	}

	return false
}

func hasPort(raw string, defaults bool) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Port() != "" {
		return true
	}
	backend, _, _ := strings.Cut(u.Scheme, "+")

	return defaults && defaultPorts[backend]
}

// createSecrets checks the secrets of a POST (Superset tests the
// connection and creates the tunnel in the same transaction as the
// database, so a refused tunnel creates nothing).
func (s *Server) createSecrets(sec dbSecrets, uri string) *apiErr {
	if sec.tunnel == nil || sec.tunnelEmpty {
		return nil
	}

	return s.newTunnel(sec.tunnel, uri, true)
}

// storeSecrets keeps the secrets of a created database. Without
// masked_encrypted_extra, Superset stores "{}".
func (s *Server) storeSecrets(id int64, sec dbSecrets) {
	s.initSecrets()
	if sec.tunnel != nil && !sec.tunnelEmpty {
		s.tunnels[id] = sec.tunnel
	}
	s.encrypted[id] = "{}"
	if sec.extraSet {
		s.encrypted[id] = ""
		if sec.encrypted != nil {
			s.encrypted[id] = *sec.encrypted
		}
	}
}

// planSecretUpdate works out a PUT's secrets without changing anything,
// as UpdateDatabaseCommand does inside one transaction: an absent field
// keeps what is stored, ssh_tunnel null deletes the tunnel, an object
// creates or updates it, the mask keeps the stored secret, a password
// drops a stored key and a key drops a stored password. It refuses
// repointing the tunnel at another address or port without fresh
// credentials (Superset refuses to carry stored secrets to a new endpoint).
func (s *Server) planSecretUpdate(id int64, sec dbSecrets, uri, backend string) (func(), *apiErr) {
	s.initSecrets()
	apply := []func(){}
	if sec.extraSet {
		next := s.unmaskExtra(s.encrypted[id], sec.encrypted, backend)
		apply = append(apply, func() { s.encrypted[id] = next })
	}
	if sec.tunnelSet {
		if !s.opts.SSHTunneling {
			return nil, msg(http.StatusBadRequest, "SSH Tunneling is not enabled")
		}
		cur := s.tunnels[id]
		switch {
		case sec.tunnel == nil:
			apply = append(apply, func() { delete(s.tunnels, id) })
		case cur == nil:
			if e := s.newTunnel(sec.tunnel, uri, true); e != nil {
				return nil, e
			}
			apply = append(apply, func() { s.tunnels[id] = sec.tunnel })
		case sec.tunnelEmpty:
			// Nothing to change, and nothing moved.
		default:
			next, e := updatedTunnel(cur, sec.tunnel, uri)
			if e != nil {
				return nil, e
			}
			apply = append(apply, func() { s.tunnels[id] = next })
		}
	}

	return func() {
		for _, f := range apply {
			f()
		}
	}, nil
}

// updatedTunnel is UpdateSSHTunnelCommand plus the rebind check.
func updatedTunnel(cur, in *Tunnel, uri string) (*Tunnel, *apiErr) {
	fresh := func(p *string) bool { return p != nil && *p != superset.PasswordMask }
	if in.ServerAddress != cur.ServerAddress || in.ServerPort != cur.ServerPort {
		staleKeyPassword := cur.PrivateKeyPassword != nil && !fresh(in.PrivateKeyPassword)
		if (!fresh(in.Password) && !fresh(in.PrivateKey)) || staleKeyPassword {
			return nil, msg(http.StatusUnprocessableEntity, map[string]any{"ssh_tunnel": []string{
				"Changing the SSH tunnel's address or port needs its credentials again."}})
		}
	}
	if in.Password != nil && in.PrivateKey != nil {
		return nil, msg(http.StatusUnprocessableEntity, "Cannot have multiple credentials for the SSH Tunnel")
	}
	if in.PrivateKeyPassword != nil && *in.PrivateKeyPassword != "" && in.PrivateKey == nil {
		return nil, msg(http.StatusUnprocessableEntity, "SSH Tunnel parameters are invalid.")
	}
	if !hasPort(uri, false) {
		return nil, msg(http.StatusBadRequest, "A database port is required when connecting via SSH Tunnel.")
	}
	next := *cur
	if in.ServerAddress != "" {
		next.ServerAddress = in.ServerAddress
	}
	if in.ServerPort != 0 {
		next.ServerPort = in.ServerPort
	}
	if in.Username != "" {
		next.Username = in.Username
	}
	keep := func(sent, stored *string) *string {
		if sent == nil {
			return stored
		}
		if *sent == superset.PasswordMask {
			return stored
		}
		v := *sent

		return &v
	}
	if in.PrivateKey != nil && *in.PrivateKey != "" {
		next.Password = nil
	}
	if in.Password != nil && *in.Password != "" {
		next.PrivateKey, next.PrivateKeyPassword = nil, nil
	}
	next.Password = keep(in.Password, next.Password)
	next.PrivateKey = keep(in.PrivateKey, next.PrivateKey)
	next.PrivateKeyPassword = keep(in.PrivateKeyPassword, next.PrivateKeyPassword)

	return &next, nil
}

func (s *Server) initSecrets() {
	if s.tunnels == nil {
		s.tunnels, s.encrypted = map[int64]*Tunnel{}, map[int64]string{}
	}
}

func (s *Server) dropSecrets(id int64) {
	delete(s.tunnels, id)
	delete(s.encrypted, id)
}

// maskedTunnel is SSHTunnel.data: the secrets that are set, as the mask.
// The fake keeps one tunnel per database and gives it the database's id.
func maskedTunnel(id int64, t *Tunnel) map[string]any {
	out := map[string]any{"id": float64(id), "server_address": t.ServerAddress, "server_port": float64(t.ServerPort), "username": t.Username}
	for k, p := range map[string]*string{"password": t.Password, "private_key": t.PrivateKey, "private_key_password": t.PrivateKeyPassword} {
		if p != nil {
			out[k] = superset.PasswordMask
		}
	}

	return out
}

// secretsView adds the masked secrets to a database read.
func (s *Server) secretsView(id int64, v map[string]any, connection bool) {
	if t := s.tunnels[id]; t != nil {
		v["ssh_tunnel"] = maskedTunnel(id, t)
	}
	if connection {
		v["masked_encrypted_extra"] = maskExtra(s.encrypted[id], asString(v["backend"]))
	}
}

// echoSecrets masks what a POST or PUT answer echoes: Superset echoes the
// validated input, with the tunnel's secrets masked (masked_encrypted_extra
// comes back as sent).
func (s *Server) echoSecrets(id int64, echo map[string]any) {
	if m, _ := echo["ssh_tunnel"].(map[string]any); len(m) > 0 {
		if t := s.tunnels[id]; t != nil {
			echo["ssh_tunnel"] = maskedTunnel(id, t)
		}
	}
}

func pathsFor(backend string) [][]string {
	return append([][]string{{"oauth2_client_info", "secret"}}, sensitivePaths[backend]...)
}

// maskExtra is mask_encrypted_extra: each sensitive field that exists
// becomes the mask. A value that is not a JSON object comes back as is.
func maskExtra(stored, backend string) any {
	if stored == "" {
		return nil
	}
	var doc map[string]any
	if json.Unmarshal([]byte(stored), &doc) != nil {
		return stored
	}
	if _, special := sensitivePaths[backend]; !special {
		for k := range doc {
			doc[k] = superset.PasswordMask
		}
	}
	for _, p := range pathsFor(backend) {
		if parent := walk(doc, p[:len(p)-1]); parent != nil {
			if _, ok := parent[p[len(p)-1]]; ok {
				parent[p[len(p)-1]] = superset.PasswordMask
			}
		}
	}
	b, _ := json.Marshal(doc)

	return string(b)
}

// unmaskExtra is unmask_encrypted_extra: every sensitive field sent as
// the mask takes the stored value; null clears encrypted_extra.
func (s *Server) unmaskExtra(stored string, sent *string, backend string) string {
	if sent == nil {
		return ""
	}
	var old, doc map[string]any
	if json.Unmarshal([]byte(stored), &old) != nil || json.Unmarshal([]byte(*sent), &doc) != nil {
		return *sent
	}
	if _, special := sensitivePaths[backend]; !special {
		for k, v := range doc {
			if v == superset.PasswordMask {
				if o, ok := old[k]; ok {
					doc[k] = o
				}
			}
		}
	}
	for _, p := range pathsFor(backend) {
		parent, oldParent := walk(doc, p[:len(p)-1]), walk(old, p[:len(p)-1])
		leaf := p[len(p)-1]
		if parent != nil && parent[leaf] == superset.PasswordMask && oldParent != nil {
			if o, ok := oldParent[leaf]; ok {
				parent[leaf] = o
			}
		}
	}
	b, _ := json.Marshal(doc)

	return string(b)
}

func walk(doc map[string]any, path []string) map[string]any {
	for _, k := range path {
		next, ok := doc[k].(map[string]any)
		if !ok {
			return nil
		}
		doc = next
	}

	return doc
}

// checkRebind refuses, as newer Superset does, an update that points the
// connection elsewhere (another URI once its password is stripped, or
// other extra.engine_params, which can override the URI's host) while a
// stored secret would ride along: a stored password with none, or the
// mask, sent; a stored encrypted_extra not replaced by a different one.
func (s *Server) checkRebind(id int64, obj, body map[string]any, sec dbSecrets, newURI bool, uri, password string) *apiErr {
	moved := newURI && uri != asString(obj["sqlalchemy_uri"])
	if extra, ok := body["extra"].(string); ok && !sameJSON(engineParams(extra), engineParams(asString(obj["extra"]))) {
		moved = true
	}
	if !moved {
		return nil
	}
	passwordReused := s.passwords[id] != "" && (password == "" || password == superset.PasswordMask)
	stored := s.encrypted[id]
	extraReused := stored != "" && stored != "{}" &&
		(!sec.extraSet || sameJSON(s.unmaskExtra(stored, sec.encrypted, backendOf(uri)), stored))
	if passwordReused || extraReused {
		return msg(http.StatusUnprocessableEntity, map[string]any{"_schema": []string{
			"Changing where the database connects needs its stored secrets again."}})
	}

	return nil
}

func engineParams(extra string) string {
	var m map[string]any
	if json.Unmarshal([]byte(extra), &m) != nil {
		return "\x00unparseable"
	}
	b, _ := json.Marshal(m["engine_params"])

	return string(b)
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)

	return string(bx) == string(by)
}

func backendOf(uri string) string {
	backend, _, _ := strings.Cut(uriScheme(uri), "+")

	return backend
}
