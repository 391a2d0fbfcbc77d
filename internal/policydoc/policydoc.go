// Package policydoc compares IAM-style policy documents (S3 bucket policies,
// MinIO canned policies, access policies) by meaning rather than by bytes.
// Servers read policies back in their own shape: arrays reordered, a single
// value unwrapped from its list, empty Sid or Condition added, "*" principals
// rewritten. Canonical puts a document into one form so that two documents
// are equal exactly when they grant the same thing.
package policydoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/jsonkind"
)

// setKeys hold values whose order carries no meaning and where a scalar is
// the same as a one-element list.
var setKeys = map[string]bool{
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true,
}

// emptyDroppable are statement or document keys a server may add empty.
var emptyDroppable = map[string]bool{"Sid": true, "Id": true, "ID": true, "Condition": true}

var accountID = regexp.MustCompile(`^\d{12}$`)

// Canonical returns the canonical JSON form of a policy document: keys
// sorted, empty Sid/Id/Condition removed, scalar-or-list values as sorted
// de-duplicated lists, principals in one form and statements sorted.
func Canonical(doc string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("parsing policy document: %w", err)
	}
	if dec.More() {
		return "", fmt.Errorf("parsing policy document: trailing data after the JSON value")
	}
	top, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("a policy document must be a JSON object, not %s", jsonkind.Of(v))
	}
	out, err := canonicalDocument(top)
	if err != nil {
		return "", err
	}
	b, err := marshal(out)
	if err != nil {
		return "", err
	}

	return string(b), nil
}

// Equal reports whether two documents are the same policy. Invalid JSON on
// either side is never equal to anything.
func Equal(a, b string) bool {
	ca, err := Canonical(a)
	if err != nil {
		return false
	}
	cb, err := Canonical(b)
	if err != nil {
		return false
	}

	return ca == cb
}

func canonicalDocument(doc map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range doc {
		if emptyDroppable[k] && isEmpty(v) {
			continue
		}
		if k != "Statement" {
			out[k] = v

			continue
		}
		stmts, err := canonicalStatements(v)
		if err != nil {
			return nil, err
		}
		out[k] = stmts
	}

	return out, nil
}

func canonicalStatements(v any) ([]any, error) {
	var list []any
	switch t := v.(type) {
	case []any:
		list = t
	case map[string]any:
		list = []any{t}
	default:
		return nil, fmt.Errorf("the Statement must be an object or an array of objects, not %s", jsonkind.Of(v))
	}
	out := make([]any, 0, len(list))
	seen := map[string]bool{}
	for i, s := range list {
		m, ok := s.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("the statement at index %d must be an object, not %s", i, jsonkind.Of(s))
		}
		c := canonicalStatement(m)
		key, err := marshal(c)
		if err != nil {
			return nil, err
		}
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, _ := marshal(out[i])
		b, _ := marshal(out[j])

		return bytes.Compare(a, b) < 0
	})

	return out, nil
}

func canonicalStatement(s map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		switch {
		case emptyDroppable[k] && isEmpty(v):
		case setKeys[k]:
			out[k] = stringSet(v, nil)
		case k == "Principal" || k == "NotPrincipal":
			out[k] = canonicalPrincipal(v)
		case k == "Condition":
			out[k] = canonicalCondition(v)
		default:
			out[k] = v
		}
	}

	return out
}

// canonicalPrincipal maps "*" and {"AWS":"*"} to one form, wraps scalars in
// lists and writes bare 12-digit account ids as their root ARN, which is how
// AWS reads them back.
func canonicalPrincipal(v any) any {
	if s, ok := v.(string); ok && s == "*" {
		return map[string]any{"AWS": []any{"*"}}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, pv := range m {
		var rewrite func(string) string
		if k == "AWS" {
			rewrite = func(s string) string {
				if accountID.MatchString(s) {
					return "arn:aws:iam::" + s + ":root"
				}

				return s
			}
		}
		out[k] = stringSet(pv, rewrite)
	}

	return out
}

func canonicalCondition(v any) any {
	ops, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for op, keys := range ops {
		km, ok := keys.(map[string]any)
		if !ok {
			out[op] = keys

			continue
		}
		ck := map[string]any{}
		for k, cv := range km {
			ck[k] = stringSet(cv, nil)
		}
		out[op] = ck
	}

	return out
}

// stringSet turns a scalar or a list into a sorted list without duplicates.
// Non-string members are kept in their JSON text so nothing is lost.
func stringSet(v any, rewrite func(string) string) any {
	var items []any
	if l, ok := v.([]any); ok {
		items = l
	} else {
		items = []any{v}
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var s string
		switch t := it.(type) {
		case string:
			s = t
		case json.Number:
			s = t.String()
		case bool:
			s = fmt.Sprint(t)
		default:
			return v // an object or null inside: leave the value as written
		}
		if rewrite != nil {
			s = rewrite(s)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	res := make([]any, len(out))
	for i, s := range out {
		res[i] = s
	}

	return res
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}

	return false
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}

	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
