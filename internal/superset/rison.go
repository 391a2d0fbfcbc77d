package superset

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// No rison implementation is published on the Go module proxy in a form we
// can depend on, so this file carries a small one: Encode for the client's
// list queries and Decode for the contract fake, both covered by tests that
// use the examples of the rison specification.

// risonIDChars are the characters allowed in an unquoted rison identifier
// besides letters and digits; anything else forces a quoted string.
const risonIDChars = "-_./~"

// risonNotIDChars may never appear in an identifier (rison specification);
// the decoder accepts every other character, as the server does.
const risonNotIDChars = " '!:(),*@$"

// EncodeRison renders v (nil, bool, numbers, strings, []any, map[string]any,
// or anything encoding/json can marshal) as rison. Object keys are sorted so
// the output is deterministic.
func EncodeRison(v any) (string, error) {
	// Normalise through JSON so structs and typed slices work too.
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encoding rison: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return "", fmt.Errorf("encoding rison: %w", err)
	}
	var b strings.Builder
	if err := encodeRison(&b, generic); err != nil {
		return "", err
	}

	return b.String(), nil
}

func encodeRison(b *strings.Builder, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("!n")
	case bool:
		if x {
			b.WriteString("!t")
		} else {
			b.WriteString("!f")
		}
	case json.Number:
		b.WriteString(strings.Replace(x.String(), "+", "", 1))
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return errors.New("encoding rison: non-finite number")
		}
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case string:
		b.WriteString(risonString(x))
	case []any:
		b.WriteString("!(")
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeRison(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(')')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('(')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(risonString(k))
			b.WriteByte(':')
			if err := encodeRison(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte(')')
	default:
		return fmt.Errorf("encoding rison: unsupported type %T", v)
	}

	return nil
}

// risonString writes s bare when it is a valid identifier and quoted
// otherwise; inside quotes ' and ! are escaped with !.
func risonString(s string) string {
	if isRisonID(s) {
		return s
	}
	r := strings.NewReplacer("!", "!!", "'", "!'")

	return "'" + r.Replace(s) + "'"
}

func isRisonID(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(risonIDChars, c) || c > 127
		if !ok {
			return false
		}
		if i == 0 && (c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}

	return true
}

// DecodeRison parses one rison value into nil, bool, float64, string, []any
// or map[string]any.
func DecodeRison(s string) (any, error) {
	p := &risonParser{s: s}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("rison: unexpected %q at offset %d", p.s[p.i:], p.i)
	}

	return v, nil
}

type risonParser struct {
	s string
	i int
}

func (p *risonParser) errf(format string, args ...any) error {
	return fmt.Errorf("rison: "+format+" at offset %d", append(args, p.i)...)
}

func (p *risonParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, p.errf("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '(':
		return p.object()
	case c == '!':
		return p.bang()
	case c == '\'':
		return p.quoted()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		id := p.ident()
		if id == "" {
			return nil, p.errf("unexpected %q", string(c))
		}

		return id, nil
	}
}

func (p *risonParser) object() (any, error) {
	p.i++ // (
	m := map[string]any{}
	for {
		if p.i >= len(p.s) {
			return nil, p.errf("unterminated object")
		}
		if p.s[p.i] == ')' {
			p.i++

			return m, nil
		}
		if len(m) > 0 {
			if p.s[p.i] != ',' {
				return nil, p.errf("expected ','")
			}
			p.i++
		}
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, p.errf("object key must be a string")
		}
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errf("expected ':'")
		}
		p.i++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
}

func (p *risonParser) bang() (any, error) {
	if p.i+1 >= len(p.s) {
		return nil, p.errf("dangling '!'")
	}
	c := p.s[p.i+1]
	p.i += 2
	switch c {
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	case '(':
		list := []any{}
		for {
			if p.i >= len(p.s) {
				return nil, p.errf("unterminated array")
			}
			if p.s[p.i] == ')' {
				p.i++

				return list, nil
			}
			if len(list) > 0 {
				if p.s[p.i] != ',' {
					return nil, p.errf("expected ','")
				}
				p.i++
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
	default:
		return nil, p.errf("unknown literal !%c", c)
	}
}

func (p *risonParser) quoted() (any, error) {
	p.i++ // '
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '\'':
			p.i++

			return b.String(), nil
		case '!':
			if p.i+1 >= len(p.s) || (p.s[p.i+1] != '!' && p.s[p.i+1] != '\'') {
				return nil, p.errf("invalid escape in string")
			}
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		default:
			b.WriteByte(c)
			p.i++
		}
	}

	return nil, p.errf("unterminated string")
}

func (p *risonParser) number() (any, error) {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("-0123456789.eE+", p.s[p.i]) >= 0 {
		p.i++
	}
	f, err := strconv.ParseFloat(p.s[start:p.i], 64)
	if err != nil {
		return nil, fmt.Errorf("rison: bad number %q", p.s[start:p.i])
	}

	return f, nil
}

func (p *risonParser) ident() string {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte(risonNotIDChars, p.s[p.i]) < 0 {
		p.i++
	}

	return p.s[start:p.i]
}
