// Package jsondoc decodes governance documents strictly and says where each
// problem is, by JSON path: columns["Full Name"].masking_char,
// tables[2].columns[0].type. encoding/json stops at the first problem and
// names a Go field or a byte offset; a steward editing a document needs
// every problem, each at the place in the document it is.
package jsondoc

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/jsonkind"
)

// Root is the path of the document as a whole.
const Root = "(document)"

// Problem is one finding, located by a JSON path.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Decode decodes the JSON object in data into v, a pointer to a struct, the
// way encoding/json does (field names by their json tag, matched exactly or
// else ignoring case), but refuses and reports, each at its path: syntax
// errors, unknown keys (naming the nearest known one), a key given twice in
// one object (JSON would keep only the last), values of the wrong JSON kind,
// numbers that do not fit, and data after the document. v is filled only
// when there is no problem. Messages name kinds and keys, never a string
// value, so a secret pasted in the wrong place is not repeated.
func Decode(data []byte, v any) []Problem {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic("jsondoc.Decode needs a non-nil pointer")
	}
	doc, probs := parse(data, rv.Type().Elem())
	if len(probs) > 0 {
		return probs
	}
	probs = check(doc, rv.Type().Elem(), Root)
	if len(probs) > 0 {
		return probs
	}
	if err := json.Unmarshal(data, v); err != nil { // the checks above mirror encoding/json; this is a backstop
		return []Problem{{Path: Root, Message: strings.TrimPrefix(err.Error(), "json: ")}}
	}

	return nil
}

// Position returns the 1-based line and column of a byte offset in data.
func Position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for _, c := range data[:min(max(0, int(offset)), len(data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}

	return line, col
}

// Nearest is the candidate closest to s in edit distance when it is close
// enough to be a slip of the keyboard (up to one edit in six characters,
// at least two), and "" otherwise.
func Nearest(s string, candidates []string) string {
	best, bestD := "", max(2, len(s)/6)+1
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}

	return best
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}

	return prev[len(b)]
}

// object is a decoded JSON object that remembers its key order, so that
// problems come out in document order.
type object struct {
	keys []string
	vals map[string]any
}

// parser builds the document from tokens, guided by the Go type it is
// for, so that a syntax error or a repeated key is placed at its path
// (columns["Id"], not columns.Id) as well as at its line and column.
type parser struct {
	data  []byte
	dec   *json.Decoder
	probs []Problem // keys given twice
}

func parse(data []byte, t reflect.Type) (any, []Problem) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []Problem{{Path: Root, Message: "empty: the document is a JSON object"}}
	}
	p := &parser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	doc, err := p.value(Root, t)
	if err != nil {
		return nil, []Problem{*err}
	}
	if _, e := p.dec.Token(); !errors.Is(e, io.EOF) {
		p.probs = append(p.probs, Problem{Path: Root, Message: "trailing data after the JSON object"})
	}

	return doc, p.probs
}

// child is the path and Go type of key inside a value of type t at path;
// the type is nil where the document is free-form or the key unknown.
func child(t reflect.Type, path, key string) (string, reflect.Type) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil || reflect.PointerTo(t).Implements(jsonUnmarshaler):
	case t.Kind() == reflect.Map:
		return mapKey(path, key), t.Elem()
	case t.Kind() == reflect.Struct:
		if f := lookup(fields(t), key); f != nil {
			return join(path, key), f.typ
		}
	}

	return join(path, key), nil
}

// element is the Go type of an array element of a value of type t.
func element(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		return t.Elem()
	}

	return nil
}

func (p *parser) fail(path string, err error) *Problem {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &Problem{Path: path, Message: "not valid JSON: the document ends before this value is complete"}
	}
	off := p.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	line, col := Position(p.data, off)

	return &Problem{Path: path, Message: fmt.Sprintf("not valid JSON at line %d, column %d: %s", line, col,
		strings.TrimPrefix(err.Error(), "json: "))}
}

// value reads one value of type t at path.
func (p *parser) value(path string, t reflect.Type) (any, *Problem) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.fail(path, err)
	}
	switch tok {
	case json.Delim('{'):
		o := &object{vals: map[string]any{}}
		for p.dec.More() {
			kt, err := p.dec.Token()
			if err != nil {
				return nil, p.fail(path, err)
			}
			k, _ := kt.(string) // the decoder only yields string keys
			kp, ct := child(t, path, k)
			v, perr := p.value(kp, ct)
			if perr != nil {
				return nil, perr
			}
			if _, seen := o.vals[k]; seen {
				p.probs = append(p.probs, Problem{Path: kp, Message: "given more than once in the same object; " +
					"JSON readers keep only the last, so the others would be silently ignored"})
			} else {
				o.keys = append(o.keys, k)
			}
			o.vals[k] = v
		}
		if _, err := p.dec.Token(); err != nil {
			return nil, p.fail(path, err)
		}

		return o, nil
	case json.Delim('['):
		var a []any
		for i := 0; p.dec.More(); i++ {
			v, perr := p.value(index(path, i), element(t))
			if perr != nil {
				return nil, perr
			}
			a = append(a, v)
		}
		if _, err := p.dec.Token(); err != nil {
			return nil, p.fail(path, err)
		}
		if a == nil {
			a = []any{}
		}

		return a, nil
	}

	return tok, nil
}

// join is the path of a field inside the object at path: name, key.env.
func join(path, key string) string {
	if path == Root {
		return key
	}

	return path + "." + key
}

// index is the path of element i of the array at path.
func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// mapKey is the path of the value under key in a JSON object decoded as a
// Go map: the key is data, so it is quoted.
func mapKey(path, key string) string {
	if path == Root {
		return fmt.Sprintf("[%q]", key)
	}

	return fmt.Sprintf("%s[%q]", path, key)
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// check compares a parsed value with the Go type it is decoded into.
func check(v any, t reflect.Type, path string) []Problem {
	if v == nil {
		return nil // null leaves a field at its zero value, as in encoding/json
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		b, _ := json.Marshal(plain(v))
		if err := json.Unmarshal(b, reflect.New(t).Interface()); err != nil {
			return []Problem{{Path: path, Message: strings.TrimPrefix(err.Error(), "json: ")}}
		}

		return nil
	}
	wrong := func(want string) []Problem {
		return []Problem{{Path: path, Message: fmt.Sprintf("must be %s, not %s", want, jsonkind.Of(plain(v)))}}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return check(v, t.Elem(), path)
	case reflect.Interface:
		return nil
	case reflect.Struct:
		o, ok := v.(*object)
		if !ok {
			return wrong("an object")
		}

		return checkStruct(o, t, path)
	case reflect.Map:
		o, ok := v.(*object)
		if !ok {
			return wrong("an object")
		}
		if t.Key().Kind() != reflect.String && !reflect.PointerTo(t.Key()).Implements(textUnmarshaler) {
			return nil // encoding/json's own rules apply; no document here has such maps
		}
		var probs []Problem
		for _, k := range o.keys {
			probs = append(probs, check(o.vals[k], t.Elem(), mapKey(path, k))...)
		}

		return probs
	case reflect.Slice, reflect.Array:
		a, ok := v.([]any)
		if !ok {
			return wrong("an array")
		}
		var probs []Problem
		for i, e := range a {
			probs = append(probs, check(e, t.Elem(), index(path, i))...)
		}

		return probs
	case reflect.String:
		if _, ok := v.(string); !ok {
			return wrong("a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return wrong("true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, ok := v.(json.Number)
		if !ok {
			return wrong("a whole number")
		}

		return checkInt(n, t, path)
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return wrong("a number")
		}
		if f, err := strconv.ParseFloat(n.String(), t.Bits()); err != nil || math.IsInf(f, 0) {
			return []Problem{{Path: path, Message: fmt.Sprintf("%s is out of range", n)}}
		}
	}

	return nil
}

func checkInt(n json.Number, t reflect.Type, path string) []Problem {
	s := n.String()
	var err error
	if t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr {
		_, err = strconv.ParseUint(s, 10, t.Bits())
	} else {
		_, err = strconv.ParseInt(s, 10, t.Bits())
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, strconv.ErrRange):
		return []Problem{{Path: path, Message: fmt.Sprintf("%s is out of range", s)}}
	}

	return []Problem{{Path: path, Message: fmt.Sprintf("must be a whole number written without a fraction or exponent, got %s", s)}}
}

// field is one JSON key of a struct.
type field struct {
	name string
	typ  reflect.Type
}

// fields lists the JSON keys of a struct type as encoding/json sees them:
// the json tag's name, else the Go name; "-" and unexported fields are not
// keys. Embedded structs are not used in documents and not handled.
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{name: name, typ: f.Type})
	}

	return out
}

// lookup finds the field for a key as encoding/json does: the exact name,
// else one that differs only in case.
func lookup(fs []field, key string) *field {
	for i := range fs {
		if fs[i].name == key {
			return &fs[i]
		}
	}
	for i := range fs {
		if strings.EqualFold(fs[i].name, key) {
			return &fs[i]
		}
	}

	return nil
}

func checkStruct(o *object, t reflect.Type, path string) []Problem {
	fs := fields(t)
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	var probs []Problem
	for _, k := range o.keys {
		match := lookup(fs, k)
		if match == nil {
			msg := "unknown field"
			if n := Nearest(k, names); n != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", n)
			} else {
				msg += "; the fields here are " + strings.Join(names, ", ")
			}
			probs = append(probs, Problem{Path: join(path, k), Message: msg})

			continue
		}
		probs = append(probs, check(o.vals[k], match.typ, join(path, k))...)
	}

	return probs
}

// plain turns parsed objects back into map[string]any, for jsonkind.Of and
// for re-encoding a value a custom unmarshaler reads.
func plain(v any) any {
	switch v := v.(type) {
	case *object:
		m := make(map[string]any, len(v.keys))
		for _, k := range v.keys {
			m[k] = plain(v.vals[k])
		}

		return m
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plain(e)
		}

		return out
	}

	return v
}
