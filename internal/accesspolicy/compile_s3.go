package accesspolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// PolicyVersion is the IAM policy language version every document uses.
const PolicyVersion = "2012-10-17"

// Statement is one IAM/S3 policy statement.
type Statement struct {
	Sid       string                         `json:"Sid,omitempty"`
	Effect    string                         `json:"Effect"`
	Principal map[string][]string            `json:"Principal,omitempty"`
	Action    []string                       `json:"Action"`
	Resource  []string                       `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// Document is an IAM/S3 policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// JSON renders the document without HTML escaping, so prefixes such as
// "a&b/" stay readable in a plan.
func (d Document) JSON() string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(d) // a Document always encodes

	return strings.TrimRight(buf.String(), "\n")
}

var (
	objectActions = map[Action][]string{
		Read:   {"s3:GetObject", "s3:GetObjectVersion"},
		Write:  {"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"},
		Manage: {"s3:*"},
	}
	allActions = []Action{Read, Write, List, Manage}
)

// s3Statements renders one rule's effect on one bucket resource. Listing is
// a bucket-level action, limited to the prefix by an s3:prefix condition;
// manage without a prefix also covers the bucket itself.
func s3Statements(effect Effect, actions []Action, res Resource, ctx map[string]map[string][]string) []Statement {
	eff := "Allow"
	if effect == Deny {
		eff = "Deny"
	}
	var objActs []string
	for _, a := range actions {
		objActs = append(objActs, objectActions[a]...)
	}
	objActs = uniqueSorted(objActs)
	if slices.Contains(objActs, "s3:*") {
		objActs = []string{"s3:*"}
	}
	bucketARN := "arn:aws:s3:::" + res.Bucket
	var out []Statement
	if len(objActs) > 0 {
		out = append(out, Statement{Effect: eff, Action: objActs,
			Resource: []string{bucketARN + "/" + res.Prefix + "*"}, Condition: cloneCond(ctx)})
	}
	manage := slices.Contains(actions, Manage)
	if slices.Contains(actions, List) || manage {
		cond := cloneCond(ctx)
		if res.Prefix != "" {
			addCond(cond, "StringLike", "s3:prefix", res.Prefix+"*")
		}
		if !manage || res.Prefix != "" {
			out = append(out, Statement{Effect: eff, Action: []string{"s3:ListBucket"}, Resource: []string{bucketARN}, Condition: cond})
		}
	}
	if manage && res.Prefix == "" {
		out = append(out, Statement{Effect: eff, Action: []string{"s3:*"}, Resource: []string{bucketARN}, Condition: cloneCond(ctx)})
	}

	return out
}

// contextConditions renders a rule's source IP ranges and date window as
// IAM conditions, which S3 and MinIO evaluate on each request.
func (r Rule) contextConditions() map[string]map[string][]string {
	c := map[string]map[string][]string{}
	for _, cidr := range r.SourceIPs {
		addCond(c, "IpAddress", "aws:SourceIp", cidr)
	}
	if r.NotBefore != "" {
		addCond(c, "DateGreaterThanEquals", "aws:CurrentTime", r.NotBefore)
	}
	if r.NotAfter != "" {
		addCond(c, "DateLessThan", "aws:CurrentTime", r.NotAfter)
	}

	return c
}

func addCond(c map[string]map[string][]string, op, key, value string) {
	if c[op] == nil {
		c[op] = map[string][]string{}
	}
	c[op][key] = append(c[op][key], value)
}

// cloneCond copies a condition map; empty maps are left out of the JSON.
func cloneCond(c map[string]map[string][]string) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for op, kv := range c {
		out[op] = map[string][]string{}
		for k, v := range kv {
			out[op][k] = slices.Clone(v)
		}
	}

	return out
}

func uniqueSorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)

	return slices.Compact(out)
}

// CompileS3 returns, per bucket, the bucket-policy statements the policy
// owns. A statement names the S3 principals (s3_principal) of the
// principals a rule selects; principals without one are enforced through
// the MinIO target only. Consent requirements become explicit Deny
// statements for the principals that lack the scope, so they hold even
// against access granted by other statements. Every Sid starts with
// SidPrefix(p.Name).
func CompileS3(p Policy) map[string]Document {
	out := map[string]Document{}
	add := func(bucket string, stmts ...Statement) {
		d := out[bucket]
		d.Version = PolicyVersion
		d.Statement = append(d.Statement, stmts...)
		out[bucket] = d
	}
	for _, r := range p.Rules {
		for ri, res := range r.Resources {
			if res.Bucket == "" {
				continue
			}
			var granted, lacking []string
			for _, pr := range p.Principals {
				if pr.S3Principal == "" {
					continue
				}
				sub := pr.Subject()
				if r.Effect == Allow && res.missingConsent(sub) != "" {
					lacking = append(lacking, pr.S3Principal)

					continue
				}
				if r.Subjects.Matches(sub) && r.conditionsHold(sub) {
					granted = append(granted, pr.S3Principal)
				}
			}
			if len(granted) > 0 {
				stmts := s3Statements(r.Effect, r.Actions, res, r.contextConditions())
				for i := range stmts {
					stmts[i].Sid = fmt.Sprintf("%s%s:%d:%d", SidPrefix(p.Name), r.Name, ri, i)
					stmts[i].Principal = map[string][]string{"AWS": uniqueSorted(granted)}
				}
				add(res.Bucket, stmts...)
			}
			if len(lacking) > 0 {
				stmts := s3Statements(Deny, allActions, res, nil)
				for i := range stmts {
					stmts[i].Sid = fmt.Sprintf("%s%s:%d:consent:%d", SidPrefix(p.Name), r.Name, ri, i)
					stmts[i].Principal = map[string][]string{"AWS": uniqueSorted(lacking)}
				}
				add(res.Bucket, stmts...)
			}
		}
	}

	return out
}

// MergeBucketPolicy replaces the statements policy owns in an existing
// bucket policy with those of the document owned (empty: none), leaving
// every other statement as it was. It returns "" when nothing remains,
// which deletes the bucket policy. Statements in owned must carry the
// policy's Sid prefix.
func MergeBucketPolicy(existing, policy, owned string) (string, error) {
	doc, err := decodeDoc(existing)
	if err != nil {
		return "", fmt.Errorf("parsing the bucket's current policy: %w", err)
	}
	ours, err := decodeDoc(owned)
	if err != nil {
		return "", fmt.Errorf("parsing the compiled statements: %w", err)
	}
	kept := []any{}
	for _, s := range statementList(doc["Statement"]) {
		if !ownedBy(s, policy) {
			kept = append(kept, s)
		}
	}
	for _, s := range statementList(ours["Statement"]) {
		if !ownedBy(s, policy) {
			return "", fmt.Errorf("compiled statement %v lacks the Sid prefix %q", s, SidPrefix(policy))
		}
		kept = append(kept, s)
	}
	if len(kept) == 0 {
		return "", nil
	}
	doc["Statement"] = kept
	if doc["Version"] == nil {
		doc["Version"] = PolicyVersion
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return "", fmt.Errorf("encoding the merged bucket policy: %w", err)
	}

	return strings.TrimRight(buf.String(), "\n"), nil
}

// OwnedStatements returns the statements of a bucket policy that policy
// owns, as a document, or "" when there are none.
func OwnedStatements(existing, policy string) (string, error) {
	doc, err := decodeDoc(existing)
	if err != nil {
		return "", fmt.Errorf("parsing the bucket's current policy: %w", err)
	}
	var owned []any
	for _, s := range statementList(doc["Statement"]) {
		if ownedBy(s, policy) {
			owned = append(owned, s)
		}
	}
	if len(owned) == 0 {
		return "", nil
	}
	b, err := json.Marshal(map[string]any{"Version": PolicyVersion, "Statement": owned})
	if err != nil {
		return "", err
	}

	return string(b), nil
}

func decodeDoc(s string) (map[string]any, error) {
	doc := map[string]any{}
	if strings.TrimSpace(s) == "" {
		return doc, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}

	return doc, nil
}

func statementList(v any) []any {
	switch t := v.(type) {
	case []any:
		return t
	case map[string]any:
		return []any{t}
	}

	return nil
}

func ownedBy(s any, policy string) bool {
	m, ok := s.(map[string]any)
	if !ok {
		return false
	}
	sid, _ := m["Sid"].(string)

	return strings.HasPrefix(sid, SidPrefix(policy))
}
