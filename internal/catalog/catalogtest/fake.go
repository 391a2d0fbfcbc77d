// Package catalogtest is an in-process Iceberg REST catalog for tests: the
// subset of the Iceberg REST OpenAPI the provider and runner use (config,
// namespaces, tables, commits with requirements, register), backed by a real iceberg-go
// SQL catalog on SQLite so metadata files are real.
package catalogtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	"github.com/apache/iceberg-go/table"
	_ "modernc.org/sqlite" // the backing catalog's driver

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
)

// Server is a running fake REST catalog.
type Server struct {
	URL   string
	Token string // bearer token every request must carry; "" disables the check
	// ClientID and ClientSecret, when set, are the OAuth2 client credentials
	// /v1/oauth/tokens exchanges for Token (grant_type client_credentials).
	ClientID, ClientSecret string
	// Headers must be present with these values on every catalog request.
	Headers map[string]string
	// BeforeCommit, when set, runs as a commit arrives, before its
	// requirements are checked: a concurrent writer winning the race.
	BeforeCommit func()
	// NamespaceSeparator is the separator advertised in /v1/config, URL
	// encoded; Start sets the spec's default, Separator.
	NamespaceSeparator string
	// IgnoreUpdates lists update actions (e.g. "set-properties") that the
	// fake drops silently while answering success, like a faulty catalog.
	IgnoreUpdates []string

	srv       *httptest.Server
	cat       *sqlcat.Catalog
	db        *sql.DB
	mu        sync.Mutex // serialises commits like a real catalog's row lock
	conflicts atomic.Int32
	reqs      [][]string // requirement types of each commit received
	Requests  atomic.Int64
	Commits   atomic.Int64
	Registers atomic.Int64 // tables adopted through .../register
	Tokens    atomic.Int64 // OAuth2 tokens issued
}

// CommitRequirements returns the requirement types (assert-table-uuid, ...)
// of every commit received so far, in order, including refused ones.
func (s *Server) CommitRequirements() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()

	return slices.Clone(s.reqs)
}

// Separator is the namespace separator the fake advertises; it is the
// spec's default (unit separator, 0x1F) so levels may hold dots.
const Separator = "%1F"

// Start runs a fake whose warehouse is warehouse (e.g. file:///tmp/x or
// s3://bucket/prefix with props carrying the s3.* settings) and whose
// backing SQLite file lives in dir.
func Start(dir, warehouse string, props iceberg.Properties) (*Server, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "rest-backing.db")+"?_pragma=busy_timeout(30000)")
	if err != nil {
		return nil, err
	}
	p := iceberg.Properties{"warehouse": warehouse}
	maps.Copy(p, props)
	cat, err := sqlcat.NewCatalog("rest", db, sqlcat.SQLite, p)
	if err != nil {
		return nil, err
	}
	s := &Server{cat: cat, db: db, NamespaceSeparator: Separator}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL

	return s, nil
}

// Close stops the server.
func (s *Server) Close() {
	s.srv.Close()
	_ = s.cat.Close()
}

// Down stops answering: connections to URL are refused until Up.
func (s *Server) Down() { s.srv.Close() }

// Up answers again at the same URL after Down.
func (s *Server) Up() error {
	ln, err := net.Listen("tcp", s.srv.Listener.Addr().String())
	if err != nil {
		return err
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	_ = s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()

	return nil
}

// Catalog is the backing catalog, for out-of-band changes in tests.
func (s *Server) Catalog() icecatalog.Catalog { return s.cat }

// FailNextCommits makes the next n commits answer 409 as if another writer
// had won, after checking their requirements.
func (s *Server) FailNextCommits(n int) { s.conflicts.Store(int32(n)) }

type errBody struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    int    `json:"code"`
	} `json:"error"`
}

func writeErr(w http.ResponseWriter, code int, typ string, err error) {
	var b errBody
	b.Error.Message, b.Error.Type, b.Error.Code = err.Error(), typ, code
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// catalogErr maps backing catalog errors onto the REST status codes.
func catalogErr(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, icecatalog.ErrNoSuchNamespace):
		writeErr(w, http.StatusNotFound, "NoSuchNamespaceException", err)
	case errors.Is(err, icecatalog.ErrNoSuchTable):
		writeErr(w, http.StatusNotFound, "NoSuchTableException", err)
	case errors.Is(err, icecatalog.ErrNamespaceAlreadyExists):
		writeErr(w, http.StatusConflict, "AlreadyExistsException", err)
	case errors.Is(err, icecatalog.ErrTableAlreadyExists):
		writeErr(w, http.StatusConflict, "AlreadyExistsException", err)
	case errors.Is(err, icecatalog.ErrNamespaceNotEmpty):
		writeErr(w, http.StatusConflict, "NamespaceNotEmptyException", err)
	case errors.Is(err, table.ErrCommitFailed):
		writeErr(w, http.StatusConflict, "CommitFailedException", err)
	default:
		writeErr(w, http.StatusBadRequest, "BadRequestException", err)
	}
}

// decodeNamespace splits a path segment on the advertised separator and
// unescapes each level (%20 for a space, never "+").
func (s *Server) decodeNamespace(seg string) ([]string, error) {
	var levels []string
	for _, part := range strings.Split(seg, s.NamespaceSeparator) {
		l, err := url.PathUnescape(part)
		if err != nil {
			return nil, err
		}
		levels = append(levels, l)
	}

	return levels, nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Requests.Add(1)
	if r.URL.Path == "/v1/oauth/tokens" && r.Method == http.MethodPost {
		s.token(w, r)

		return
	}
	for k, v := range s.Headers {
		if r.Header.Get(k) != v {
			writeErr(w, http.StatusForbidden, "ForbiddenException", fmt.Errorf("header %s is %q, want %q", k, r.Header.Get(k), v))

			return
		}
	}
	if s.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.Token {
		writeErr(w, http.StatusUnauthorized, "NotAuthorizedException", errors.New("missing or wrong bearer token"))

		return
	}
	// Work on the escaped path so an encoded separator or slash inside a
	// level never splits segments.
	raw := strings.TrimPrefix(r.URL.EscapedPath(), "/v1")
	segs := strings.Split(strings.Trim(raw, "/"), "/")
	ctx := r.Context()
	switch {
	case len(segs) == 1 && segs[0] == "config" && r.Method == http.MethodGet:
		writeJSON(w, map[string]any{"defaults": map[string]string{}, "overrides": map[string]string{"namespace-separator": s.NamespaceSeparator}})
	case len(segs) == 2 && segs[0] == "tables" && segs[1] == "rename" && r.Method == http.MethodPost:
		s.rename(ctx, w, r)
	case len(segs) == 1 && segs[0] == "namespaces":
		s.namespaces(ctx, w, r)
	case len(segs) >= 2 && segs[0] == "namespaces":
		ns, err := s.decodeNamespace(segs[1])
		if err != nil {
			writeErr(w, http.StatusBadRequest, "BadRequestException", err)

			return
		}
		switch {
		case len(segs) == 2:
			s.namespace(ctx, w, r, ns)
		case len(segs) == 3 && segs[2] == "properties" && r.Method == http.MethodPost:
			s.namespaceProps(ctx, w, r, ns)
		case len(segs) == 3 && segs[2] == "tables":
			s.tables(ctx, w, r, ns)
		case len(segs) == 3 && segs[2] == "register" && r.Method == http.MethodPost:
			s.register(ctx, w, r, ns)
		case len(segs) == 4 && segs[2] == "tables":
			name, err := url.PathUnescape(segs[3])
			if err != nil {
				writeErr(w, http.StatusBadRequest, "BadRequestException", err)

				return
			}
			s.table(ctx, w, r, append(slices.Clone(ns), name))
		default:
			writeErr(w, http.StatusNotFound, "NotFound", fmt.Errorf("no route for %s %s", r.Method, r.URL.Path))
		}
	default:
		writeErr(w, http.StatusNotFound, "NotFound", fmt.Errorf("no route for %s %s", r.Method, r.URL.Path))
	}
}

// token answers the OAuth2 client-credentials exchange of the REST spec.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeErr(w, http.StatusBadRequest, "invalid_request", err)

		return
	}
	if s.ClientID == "" || r.PostForm.Get("grant_type") != "client_credentials" ||
		r.PostForm.Get("client_id") != s.ClientID || r.PostForm.Get("client_secret") != s.ClientSecret {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"unknown client credentials"}`))

		return
	}
	s.Tokens.Add(1)
	writeJSON(w, map[string]any{"access_token": s.Token, "token_type": "bearer", "expires_in": 3600,
		"issued_token_type": "urn:ietf:params:oauth:token-type:access_token"})
}

func (s *Server) namespaces(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		var parent []string
		if p := r.URL.Query().Get("parent"); p != "" {
			sep, err := url.PathUnescape(s.NamespaceSeparator)
			if err != nil {
				writeErr(w, http.StatusInternalServerError, "ServerError", err)

				return
			}
			parent = strings.Split(p, sep)
		}
		all, err := s.cat.ListNamespaces(ctx, parent)
		if err != nil {
			catalogErr(w, err)

			return
		}
		children := []table.Identifier{}
		for _, ns := range all {
			if len(ns) == len(parent)+1 && slices.Equal(ns[:len(parent)], parent) {
				children = append(children, ns)
			}
		}
		writeJSON(w, map[string]any{"namespaces": children})
	case http.MethodPost:
		var body struct {
			Namespace  []string           `json:"namespace"`
			Properties iceberg.Properties `json:"properties"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeErr(w, http.StatusBadRequest, "BadRequestException", err)

			return
		}
		if err := s.cat.CreateNamespace(ctx, body.Namespace, body.Properties); err != nil {
			catalogErr(w, err)

			return
		}
		writeJSON(w, body)
	default:
		writeErr(w, http.StatusMethodNotAllowed, "MethodNotAllowed", errors.New(r.Method))
	}
}

func (s *Server) namespace(ctx context.Context, w http.ResponseWriter, r *http.Request, ns []string) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		props, err := s.cat.LoadNamespaceProperties(ctx, ns)
		if answeredLoad(w, r, err) {
			return
		}
		writeJSON(w, map[string]any{"namespace": ns, "properties": props})
	case http.MethodDelete:
		// Like a strict server: children count as content too.
		all, err := s.cat.ListNamespaces(ctx, ns)
		if err == nil {
			for _, c := range all {
				if len(c) > len(ns) && slices.Equal(c[:len(ns)], ns) {
					catalogErr(w, fmt.Errorf("%w: child namespaces exist", icecatalog.ErrNamespaceNotEmpty))

					return
				}
			}
		}
		if err := s.cat.DropNamespace(ctx, ns); err != nil {
			catalogErr(w, err)

			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeErr(w, http.StatusMethodNotAllowed, "MethodNotAllowed", errors.New(r.Method))
	}
}

func (s *Server) namespaceProps(ctx context.Context, w http.ResponseWriter, r *http.Request, ns []string) {
	var body struct {
		Removals []string           `json:"removals"`
		Updates  iceberg.Properties `json:"updates"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErr(w, http.StatusBadRequest, "BadRequestException", err)

		return
	}
	sum, err := s.cat.UpdateNamespaceProperties(ctx, ns, body.Removals, body.Updates)
	if err != nil {
		catalogErr(w, err)

		return
	}
	writeJSON(w, sum)
}

type identifier struct {
	Namespace []string `json:"namespace"`
	Name      string   `json:"name"`
}

func (s *Server) tables(ctx context.Context, w http.ResponseWriter, r *http.Request, ns []string) {
	switch r.Method {
	case http.MethodGet:
		ids := []identifier{}
		for ident, err := range s.cat.ListTables(ctx, ns) {
			if err != nil {
				catalogErr(w, err)

				return
			}
			ids = append(ids, identifier{Namespace: ident[:len(ident)-1], Name: ident[len(ident)-1]})
		}
		writeJSON(w, map[string]any{"identifiers": ids})
	case http.MethodPost:
		var body struct {
			Name          string                        `json:"name"`
			Schema        *iceberg.Schema               `json:"schema"`
			Location      string                        `json:"location"`
			PartitionSpec *iceberg.UnboundPartitionSpec `json:"partition-spec"`
			WriteOrder    *table.UnboundSortOrder       `json:"write-order"`
			Props         iceberg.Properties            `json:"properties"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeErr(w, http.StatusBadRequest, "BadRequestException", err)

			return
		}
		opts := []icecatalog.CreateTableOpt{icecatalog.WithProperties(body.Props)}
		if body.PartitionSpec != nil {
			opts = append(opts, icecatalog.WithPartitionSpec(&body.PartitionSpec.PartitionSpec))
		}
		if body.WriteOrder != nil {
			opts = append(opts, icecatalog.WithSortOrder(body.WriteOrder.SortOrder))
		}
		if body.Location != "" {
			opts = append(opts, icecatalog.WithLocation(body.Location))
		}
		tbl, err := s.cat.CreateTable(ctx, append(slices.Clone(ns), body.Name), body.Schema, opts...)
		if err != nil {
			catalogErr(w, err)

			return
		}
		writeJSON(w, map[string]any{"metadata-location": tbl.MetadataLocation(), "metadata": tbl.Metadata(), "config": map[string]string{}})
	default:
		writeErr(w, http.StatusMethodNotAllowed, "MethodNotAllowed", errors.New(r.Method))
	}
}

func (s *Server) table(ctx context.Context, w http.ResponseWriter, r *http.Request, ident []string) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tbl, err := s.cat.LoadTable(ctx, ident)
		if answeredLoad(w, r, err) {
			return
		}
		writeJSON(w, map[string]any{"metadata-location": tbl.MetadataLocation(), "metadata": tbl.Metadata(), "config": map[string]string{}})
	case http.MethodDelete:
		var err error
		if r.URL.Query().Get("purgeRequested") == "true" {
			err = s.cat.PurgeTable(ctx, ident)
		} else {
			err = s.cat.DropTable(ctx, ident)
		}
		if err != nil {
			catalogErr(w, err)

			return
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		s.commit(ctx, w, r, ident)
	default:
		writeErr(w, http.StatusMethodNotAllowed, "MethodNotAllowed", errors.New(r.Method))
	}
}

// register adopts a table from a metadata file the client wrote
// (RegisterTableRequest: name and metadata-location).
func (s *Server) register(ctx context.Context, w http.ResponseWriter, r *http.Request, ns []string) {
	var body struct {
		Name        string `json:"name"`
		MetadataLoc string `json:"metadata-location"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErr(w, http.StatusBadRequest, "BadRequestException", err)

		return
	}
	if body.Name == "" || body.MetadataLoc == "" {
		writeErr(w, http.StatusBadRequest, "BadRequestException", errors.New("a register request needs name and metadata-location"))

		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tbl, err := catalog.RegisterSQLTable(ctx, s.cat, s.db, sqlcat.SQLite, "rest", append(slices.Clone(ns), body.Name), body.MetadataLoc)
	if err != nil {
		catalogErr(w, err)

		return
	}
	s.Registers.Add(1)
	writeJSON(w, map[string]any{"metadata-location": tbl.MetadataLocation(), "metadata": tbl.Metadata(), "config": map[string]string{}})
}

func (s *Server) rename(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	var body struct {
		Source      identifier `json:"source"`
		Destination identifier `json:"destination"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErr(w, http.StatusBadRequest, "BadRequestException", err)

		return
	}
	from := append(slices.Clone(body.Source.Namespace), body.Source.Name)
	to := append(slices.Clone(body.Destination.Namespace), body.Destination.Name)
	if _, err := s.cat.RenameTable(ctx, from, to); err != nil {
		catalogErr(w, err)

		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// commit checks every requirement against the current metadata and answers
// 409 when one fails, as the REST spec requires, before applying updates.
func (s *Server) commit(ctx context.Context, w http.ResponseWriter, r *http.Request, ident []string) {
	var body struct {
		Requirements table.Requirements `json:"requirements"`
		Updates      table.Updates      `json:"updates"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErr(w, http.StatusBadRequest, "BadRequestException", err)

		return
	}
	if s.BeforeCommit != nil {
		s.BeforeCommit()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kinds := make([]string, len(body.Requirements))
	for i, req := range body.Requirements {
		kinds[i] = req.GetType()
	}
	s.reqs = append(s.reqs, kinds)
	cur, err := s.cat.LoadTable(ctx, ident)
	if err != nil {
		catalogErr(w, err)

		return
	}
	for _, req := range body.Requirements {
		if err := req.Validate(cur.Metadata()); err != nil {
			writeErr(w, http.StatusConflict, "CommitFailedException", fmt.Errorf("requirement failed: %w", err))

			return
		}
	}
	if s.conflicts.Load() > 0 {
		s.conflicts.Add(-1)
		writeErr(w, http.StatusConflict, "CommitFailedException", errors.New("commit failed: injected conflict"))

		return
	}
	ups := slices.DeleteFunc(slices.Clone(body.Updates), func(u table.Update) bool {
		return slices.Contains(s.IgnoreUpdates, u.Action())
	})
	md, loc, err := s.cat.CommitTable(ctx, ident, body.Requirements, ups)
	if err != nil {
		catalogErr(w, err)

		return
	}
	s.Commits.Add(1)
	writeJSON(w, map[string]any{"metadata-location": loc, "metadata": md})
}

// answeredLoad answers what a load's GET or HEAD needs no body for: a HEAD
// (an existence check: 404 on any error, else 204) and a failed GET. It
// reports whether the response is written.
func answeredLoad(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case r.Method == http.MethodHead && err != nil:
		w.WriteHeader(http.StatusNotFound)
	case r.Method == http.MethodHead:
		w.WriteHeader(http.StatusNoContent)
	case err != nil:
		catalogErr(w, err)
	default:
		return false
	}

	return true
}
