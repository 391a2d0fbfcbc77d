// Package jsonkind names the kind of a decoded JSON value for messages
// such as "a suite must be a JSON object, not an array".
package jsonkind

import "encoding/json"

// Of is v's JSON kind with its article: "an object", "an array", "a
// string", "a number", "a boolean" or "null". Numbers may be decoded as
// float64 or json.Number.
func Of(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}

	return "a value of no JSON kind"
}
