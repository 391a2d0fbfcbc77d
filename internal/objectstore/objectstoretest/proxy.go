// Package objectstoretest puts a recording reverse proxy in front of a real
// S3 server (MinIO in tests). It counts requests per operation, so tests can
// assert how many calls a refresh costs, and can hide a freshly created
// bucket for a few requests, as some S3-compatible stores do, lose replies
// or cut them short mid-body, as a failing network does, and answer with an
// error another server would give.
package objectstoretest

import (
	"html"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Proxy is a running recording proxy.
type Proxy struct {
	*httptest.Server

	mu     sync.Mutex
	counts map[string]int
	hide   int                  // NoSuchBucket answers to give after each bucket create
	match  func(op string) bool // which requests get them
	hidden map[string]int       // per bucket: answers still to fake
	faked  int
	drop   int                  // replies still to cut off after forwarding
	dropOp func(op string) bool // which requests lose their reply
	cut    int                  // replies still to cut short
	cutAt  int                  // body bytes a cut reply keeps
	cutOp  func(op string) bool // which requests get a cut reply
	cuts   int
	refuse int                  // S3 errors still to answer instead of forwarding
	refOp  func(op string) bool // which requests get them
	refErr refusal
}

// refusal is the S3 error answer Refuse makes up.
type refusal struct {
	status        int
	code, message string
}

// NewProxy starts a proxy in front of endpoint (host:port, plain HTTP). The
// Host header is passed through unchanged, so SigV4 signatures stay valid.
func NewProxy(endpoint string) *Proxy {
	never := func(string) bool { return false }
	p := &Proxy{counts: map[string]int{}, hidden: map[string]int{}, match: never, dropOp: never, cutOp: never, refOp: never}
	target := &url.URL{Scheme: "http", Host: endpoint}
	rp := httputil.NewSingleHostReverseProxy(target)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, bucket := Operation(r)
		p.mu.Lock()
		p.counts[op]++
		fake := false
		if p.hidden[bucket] > 0 && op != "CreateBucket" && op != "ListBuckets" && p.match(op) {
			p.hidden[bucket]--
			p.faked++
			fake = true
		}
		drop := p.drop > 0 && p.dropOp(op)
		if drop {
			p.drop--
		}
		cut := !drop && p.cut > 0 && p.cutOp(op)
		refuse, ref := !drop && !cut && p.refuse > 0 && p.refOp(op), p.refErr
		if refuse {
			p.refuse--
		}
		p.mu.Unlock()
		if refuse {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(ref.status)
			if r.Method != http.MethodHead {
				_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + html.EscapeString(ref.code) + `</Code><Message>` +
					html.EscapeString(ref.message) + `</Message><BucketName>` + html.EscapeString(bucket) + `</BucketName></Error>`))
			}

			return
		}
		if cut {
			p.cutReply(w, r, rp)

			return
		}
		if drop {
			// The server does the work; the client sees the connection close.
			rp.ServeHTTP(httptest.NewRecorder(), r)
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}

			return
		}
		if fake {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			if r.Method != http.MethodHead {
				_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code>` +
					`<Message>The specified bucket does not exist</Message><BucketName>` + bucket + `</BucketName></Error>`))
			}

			return
		}
		rec := &statusRecorder{ResponseWriter: w}
		rp.ServeHTTP(rec, r)
		if op == "CreateBucket" && rec.status < 300 {
			p.mu.Lock()
			p.hidden[bucket] = p.hide
			p.mu.Unlock()
		}
	}))

	return p
}

// Endpoint is the proxy's host:port, for the provider's s3 endpoint.
func (p *Proxy) Endpoint() string { return strings.TrimPrefix(p.URL, "http://") }

// HideNewBuckets makes the proxy answer NoSuchBucket to the next n GET or
// HEAD requests on every bucket created after this call.
func (p *Proxy) HideNewBuckets(n int) {
	p.Hide(n, func(op string) bool { return strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "Head") })
}

// Hide makes the proxy answer NoSuchBucket to the next n requests whose
// operation match accepts, on every bucket created after this call.
func (p *Proxy) Hide(n int, match func(op string) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hide, p.match = n, match
}

// DropReplies forwards the next n requests whose operation match accepts
// and then closes the connection without a reply, as when the network or
// the server fails between doing the work and answering.
func (p *Proxy) DropReplies(n int, match func(op string) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drop, p.dropOp = n, match
}

// Refuse answers the next n requests whose operation match accepts with an
// S3 error of the given status, code and message, without forwarding them,
// to stand in for another server's answer (AWS S3 where the test has MinIO).
func (p *Proxy) Refuse(n int, match func(op string) bool, status int, code, message string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuse, p.refOp, p.refErr = n, match, refusal{status: status, code: code, message: message}
}

// CutReplies cuts the next n replies, to requests whose operation match
// accepts, that have more than after body bytes: the client gets the status,
// the headers (with the full Content-Length) and the first after bytes of
// the body, then the connection closes, as when a network cuts a stream
// mid-response. The server has done the work.
func (p *Proxy) CutReplies(n, after int, match func(op string) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut, p.cutAt, p.cutOp = n, after, match
}

// Cuts is the number of replies cut short so far.
func (p *Proxy) Cuts() int {
	p.mu.Lock()
	defer p.mu.Unlock()

	return p.cuts
}

// cutReply forwards r and sends its reply, cut short when it is long
// enough and cuts are still due.
func (p *Proxy) cutReply(w http.ResponseWriter, r *http.Request, rp http.Handler) {
	rec := httptest.NewRecorder()
	rp.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	p.mu.Lock()
	cut := p.cut > 0 && len(body) > p.cutAt
	after := p.cutAt
	if cut {
		p.cut--
		p.cuts++
	}
	p.mu.Unlock()
	maps.Copy(w.Header(), rec.Header())
	if !cut {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)

		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body[:after])
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
	}
}

// Faked is the number of NoSuchBucket answers the proxy made up.
func (p *Proxy) Faked() int {
	p.mu.Lock()
	defer p.mu.Unlock()

	return p.faked
}

// Reset clears the counters.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts = map[string]int{}
}

// Counts returns a copy of the counters, keyed by operation name.
func (p *Proxy) Counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}

	return out
}

// Total is the number of requests counted since the last Reset.
func (p *Proxy) Total() int {
	n := 0
	for _, v := range p.Counts() {
		n += v
	}

	return n
}

// String lists the counters in a stable order, for test failure messages.
func (p *Proxy) String() string {
	c := p.Counts()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + strconv.Itoa(c[k]) + " ")
	}

	return strings.TrimSpace(b.String())
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}

	return r.ResponseWriter.Write(b)
}

// subresources name the bucket configuration a query parameter addresses.
var subresources = []struct{ param, name string }{
	{"versioning", "Versioning"}, {"lifecycle", "Lifecycle"}, {"tagging", "Tagging"},
	{"policy", "Policy"}, {"object-lock", "ObjectLock"}, {"location", "Location"},
	{"uploads", "Uploads"}, {"versions", "ListVersions"}, {"delete", "DeleteObjects"},
	{"retention", "Retention"}, {"legal-hold", "LegalHold"}, {"uploadId", "Multipart"},
}

// Operation names a path-style S3 request: "GetVersioning", "HeadBucket",
// "PutObject", ... and returns the bucket it addresses.
func Operation(r *http.Request) (op, bucket string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	verb := map[string]string{
		http.MethodGet: "Get", http.MethodHead: "Head", http.MethodPut: "Put",
		http.MethodDelete: "Delete", http.MethodPost: "Post",
	}[r.Method]
	q := r.URL.Query()
	for _, s := range subresources {
		if _, ok := q[s.param]; ok {
			if key != "" {
				return verb + "Object" + s.name, bucket
			}

			return verb + s.name, bucket
		}
	}
	switch {
	case bucket == "":
		return "ListBuckets", ""
	case key != "":
		return verb + "Object", bucket
	case r.Method == http.MethodPut:
		return "CreateBucket", bucket
	case r.Method == http.MethodGet:
		return "ListObjects", bucket
	}

	return verb + "Bucket", bucket
}
