package labelstudiotest

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
)

var (
	storageCommon = map[string]any{
		"title": "", "description": "", "bucket": nil, "prefix": nil, "regex_filter": nil,
		"use_blob_urls": false, "region_name": nil, "s3_endpoint": nil, "aws_sse_kms_key_id": nil,
		"aws_session_token": nil, "synchronizable": true, "last_sync": nil, "last_sync_count": nil,
		"last_sync_job": nil, "status": "initialized", "traceback": nil, "meta": map[string]any{},
	}
	importOnly = map[string]any{"presign": true, "presign_ttl": float64(1), "recursive_scan": false}
	exportOnly = map[string]any{"can_delete_objects": false}
	// The server strips these from every response.
	secretFields = map[string]bool{"aws_access_key_id": true, "aws_secret_access_key": true}
	reBucket     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

func storageFields(dir string) map[string]any {
	m := map[string]any{}
	for k, v := range storageCommon {
		m[k] = v
	}
	extra := importOnly
	if dir == "export" {
		extra = exportOnly
	}
	for k, v := range extra {
		m[k] = v
	}

	return m
}

func (s *Server) storageCollection(rq *request, dir string) {
	switch rq.r.Method {
	case http.MethodGet:
		ps := rq.r.URL.Query().Get("project")
		if ps == "" {
			rq.fail(http.StatusBadRequest, `query parameter "project" is required`, nil)

			return
		}
		pid, _ := strconv.ParseInt(ps, 10, 64)
		out := []any{}
		for _, id := range sortedKeys(s.storages[dir]) {
			if st := s.storages[dir][id]; st["project"] == float64(pid) {
				out = append(out, s.storageView(dir, id))
			}
		}
		// Storage lists are plain arrays, never paginated.
		rq.json(http.StatusOK, out)
	case http.MethodPost:
		st := storageFields(dir)
		creds, ok := s.applyStorageFields(rq, st, BucketConnection{}, true)
		if !ok {
			return
		}
		id := s.newID()
		st["id"] = float64(id)
		st["type"] = "s3"
		st["created_at"] = now()
		s.storages[dir][id] = st
		s.credentials[dir][id] = creds
		rq.json(http.StatusCreated, s.storageView(dir, id))
	default:
		rq.methodNotAllowed()
	}
}

func (s *Server) storageItem(rq *request, dir string, id int64) {
	st, ok := s.storages[dir][id]
	if !ok {
		rq.notFound()

		return
	}
	switch rq.r.Method {
	case http.MethodGet:
		rq.json(http.StatusOK, s.storageView(dir, id))
	case http.MethodPatch, http.MethodPut:
		next := clone(st)
		creds, ok := s.applyStorageFields(rq, next, s.credentials[dir][id], false)
		if !ok {
			return
		}
		s.storages[dir][id] = next
		s.credentials[dir][id] = creds
		rq.json(http.StatusOK, s.storageView(dir, id))
	case http.MethodDelete:
		delete(s.storages[dir], id)
		delete(s.credentials[dir], id)
		rq.w.WriteHeader(http.StatusNoContent)
	default:
		rq.methodNotAllowed()
	}
}

func (s *Server) storageSync(rq *request, dir string, id int64) {
	if rq.r.Method != http.MethodPost {
		rq.methodNotAllowed()

		return
	}
	st, ok := s.storages[dir][id]
	if !ok {
		rq.notFound()

		return
	}
	if st["synchronizable"] != true {
		rq.json(http.StatusBadRequest, map[string]any{"message": fmt.Sprintf("Storage %d is not synchronizable", id)})

		return
	}
	// The sync job runs in the background: the answer says queued, the
	// next read sees it completed.
	st["status"] = "queued"
	view := s.storageView(dir, id)
	st["status"] = "completed"
	st["last_sync"] = now()
	n, _ := st["last_sync_count"].(float64)
	st["last_sync_count"] = n + 1
	rq.json(http.StatusOK, view)
}

func (s *Server) storageValidate(rq *request, dir string) {
	if rq.r.Method != http.MethodPost {
		rq.methodNotAllowed()

		return
	}
	st := storageFields(dir)
	var base BucketConnection
	if v, ok := rq.body["id"].(float64); ok {
		stored, found := s.storages[dir][int64(v)]
		if !found {
			rq.notFound()

			return
		}
		st = clone(stored)
		base = s.credentials[dir][int64(v)]
	}
	if _, ok := s.applyStorageFields(rq, st, base, rq.body["id"] == nil); !ok {
		return
	}
	rq.w.WriteHeader(http.StatusOK)
}

func (s *Server) storageView(dir string, id int64) map[string]any {
	v := clone(s.storages[dir][id])
	for k := range secretFields {
		delete(v, k)
	}

	return v
}

// applyStorageFields validates the body, copies it into st and returns the
// credentials the storage ends up with; it answers the request on error.
func (s *Server) applyStorageFields(rq *request, st map[string]any, creds BucketConnection, create bool) (BucketConnection, bool) {
	pv, hasProject := rq.body["project"].(float64)
	if create {
		if !hasProject {
			rq.invalid("project", "This field is required.")

			return creds, false
		}
		if _, ok := s.projects[int64(pv)]; !ok {
			rq.invalid("project", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", int64(pv)))

			return creds, false
		}
		st["project"] = pv
	}
	for k, v := range rq.body {
		switch {
		case secretFields[k]:
			sv, _ := v.(string)
			if k == "aws_access_key_id" {
				creds.AccessKeyID = sv
			} else {
				creds.SecretAccessKey = sv
			}
		case k == "project" || k == "id":
		default:
			if _, known := st[k]; known {
				st[k] = v
			}
		}
	}
	if t, _ := st["title"].(string); len(t) > 256 {
		rq.invalid("title", "Ensure this field has no more than 256 characters.")

		return creds, false
	}
	if ttl, ok := st["presign_ttl"].(float64); ok && ttl < 1 {
		rq.invalid("presign_ttl", "Ensure this value is greater than or equal to 1.")

		return creds, false
	}
	if rf, ok := st["regex_filter"].(string); ok && rf != "" {
		if _, err := regexp.Compile(rf); err != nil {
			rq.invalid("regex_filter", "Invalid regex: "+err.Error())

			return creds, false
		}
	}
	bucket, _ := st["bucket"].(string)
	if bucket != "" && !reBucket.MatchString(bucket) {
		rq.invalid("bucket", fmt.Sprintf("Invalid bucket name %q", bucket))

		return creds, false
	}
	creds.Bucket = bucket
	creds.Prefix, _ = st["prefix"].(string)
	creds.Endpoint, _ = st["s3_endpoint"].(string)
	creds.Region, _ = st["region_name"].(string)
	creds.SessionToken, _ = st["aws_session_token"].(string)
	// When a bucket is set the serializer connects to S3 during validation.
	if bucket != "" && s.CheckBucket != nil {
		if err := s.CheckBucket(creds); err != nil {
			rq.fail(http.StatusBadRequest, "Validation error", map[string][]string{"non_field_errors": {err.Error()}})

			return creds, false
		}
	}

	return creds, true
}
