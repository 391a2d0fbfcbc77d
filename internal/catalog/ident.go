package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// A namespace or table identifier is a list of levels from end to end; it is
// joined into a string only for import IDs and messages, and then with an
// encoding that can be reversed: levels are separated by "." and a "." or
// "\" inside a level is escaped with "\". So ["lake", "v1.2"] is
// `lake.v1\.2`, while `lake.v1.2` is the three levels lake, v1 and 2.
// ParseIdentifier also accepts a JSON array of levels, and SQL-style quoted
// levels: lake."raw zone".events, lake."v1.2".events ("" inside quotes is a
// literal quote).

// FormatIdentifier joins levels into the escaped dotted form.
func FormatIdentifier(levels []string) string {
	parts := make([]string, len(levels))
	for i, l := range levels {
		parts[i] = strings.NewReplacer(`\`, `\\`, `.`, `\.`).Replace(l)
		if strings.HasPrefix(parts[i], `"`) {
			parts[i] = `\` + parts[i] // not the start of a quoted level
		}
	}

	return strings.Join(parts, ".")
}

// ParseIdentifier reverses FormatIdentifier, or decodes a JSON array of
// levels. Empty levels are rejected.
func ParseIdentifier(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		var levels []string
		if err := json.Unmarshal([]byte(s), &levels); err != nil {
			return nil, fmt.Errorf("parsing %q as a JSON array of levels: %w", s, err)
		}

		return levels, checkLevels(s, levels)
	}
	var (
		levels []string
		cur    strings.Builder
	)
	for i := 0; i < len(s); i++ {
		if s[i] == '"' && cur.Len() == 0 && (i == 0 || s[i-1] == '.') {
			end, err := quotedLevel(s, i, &cur)
			if err != nil {
				return nil, err
			}
			i = end
			if i+1 < len(s) && s[i+1] != '.' {
				return nil, fmt.Errorf("identifier %q: a quoted level must be followed by \".\" or the end", s)
			}

			continue
		}
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("identifier %q ends with a lone backslash", s)
			}
			i++
			cur.WriteByte(s[i])
		case '.':
			levels = append(levels, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	levels = append(levels, cur.String())

	return levels, checkLevels(s, levels)
}

// quotedLevel copies the quoted level starting at s[start] into cur and
// returns the index of its closing quote.
func quotedLevel(s string, start int, cur *strings.Builder) (int, error) {
	for i := start + 1; i < len(s); i++ {
		if s[i] != '"' {
			cur.WriteByte(s[i])

			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			cur.WriteByte('"')
			i++

			continue
		}

		return i, nil
	}

	return 0, fmt.Errorf("identifier %q has an unterminated quote", s)
}

func checkLevels(s string, levels []string) error {
	if len(levels) == 0 {
		return errors.New("identifier is empty")
	}
	for i, l := range levels {
		if l == "" {
			return fmt.Errorf("identifier %q has an empty level at position %d; escape a dot inside a level "+
				`as "\." or give the levels as a JSON array`, s, i+1)
		}
	}

	return nil
}
