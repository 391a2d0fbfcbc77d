package dremio

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeSQL returns a canonical form of a Dremio SQL statement, so that
// two texts the server treats as the same query compare equal while any
// change to what the query means does not. The server stores view SQL after
// its own rewrite (spacing, identifier quoting, keyword casing), and
// comparing text would plan an update after every apply.
//
// What the canonical form drops or unifies:
//   - whitespace and comments (-- to end of line, /* ... */);
//   - trailing semicolons;
//   - the case of reserved keywords, and of function names (a word directly
//     followed by "("), since Dremio reads both case-insensitively;
//   - double quotes (or backticks) around an identifier that would be the
//     same identifier without them: a plain name that is not a keyword;
//   - "!=" versus "<>";
//   - the keyword AS, which is optional before an alias and which the
//     server adds or drops when it re-renders a query; where AS is
//     required (CAST, WITH) leaving it out is a syntax error the server
//     reports, so dropping it never merges two valid, different queries.
//
// What it keeps exactly: string literals, numbers, the case of identifiers
// (aliases become column names, so "Total" and "total" are different
// views), quoted identifiers that need their quotes, and every token's order.
func NormalizeSQL(sql string) string {
	toks := tokenizeSQL(sql)
	for len(toks) > 0 && toks[len(toks)-1].text == ";" {
		toks = toks[:len(toks)-1]
	}
	out := make([]string, 0, len(toks))
	for i, t := range toks {
		switch t.kind {
		case tokWord:
			up := strings.ToUpper(t.text)
			if up == "AS" {
				continue
			}
			nextIsParen := i+1 < len(toks) && toks[i+1].text == "("
			if sqlKeywords[up] || nextIsParen {
				out = append(out, up)
			} else {
				out = append(out, t.text)
			}
		case tokQuotedIdent:
			if isPlainIdent(t.text) && !sqlKeywords[strings.ToUpper(t.text)] {
				out = append(out, t.text)
			} else {
				out = append(out, `"`+strings.ReplaceAll(t.text, `"`, `""`)+`"`)
			}
		default:
			out = append(out, t.text)
		}
	}

	return strings.Join(out, " ")
}

// SQLEquivalent reports whether two statements normalise to the same form.
func SQLEquivalent(a, b string) bool { return NormalizeSQL(a) == NormalizeSQL(b) }

type tokKind int

const (
	tokWord tokKind = iota
	tokQuotedIdent
	tokString
	tokNumber
	tokSymbol
)

type sqlToken struct {
	kind tokKind
	text string // for tokQuotedIdent: the unescaped name
}

var twoCharOps = map[string]string{
	"<>": "<>", "!=": "<>", "<=": "<=", ">=": ">=", "||": "||", "::": "::", "=>": "=>",
}

func tokenizeSQL(s string) []sqlToken {
	var toks []sqlToken
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case strings.HasPrefix(s[i:], "--"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				return toks
			}
			i += j + 1
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return toks
			}
			i += j + 4
		case r == '\'':
			end := scanQuoted(s, i, '\'')
			toks = append(toks, sqlToken{tokString, s[i:end]})
			i = end
		case r == '"' || r == '`':
			end := scanQuoted(s, i, byte(r))
			inner := s[i+1 : max(end-1, i+1)]
			inner = strings.ReplaceAll(inner, string([]rune{r, r}), string(r))
			toks = append(toks, sqlToken{tokQuotedIdent, inner})
			i = end
		case unicode.IsDigit(r) || (r == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'):
			end := scanNumber(s, i)
			toks = append(toks, sqlToken{tokNumber, strings.ToUpper(s[i:end])})
			i = end
		case unicode.IsLetter(r) || r == '_':
			j := i + w
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r2) && !unicode.IsDigit(r2) && r2 != '_' && r2 != '$' {
					break
				}
				j += w2
			}
			toks = append(toks, sqlToken{tokWord, s[i:j]})
			i = j
		default:
			if i+1 < len(s) {
				if op, ok := twoCharOps[s[i:i+2]]; ok {
					toks = append(toks, sqlToken{tokSymbol, op})
					i += 2

					continue
				}
			}
			toks = append(toks, sqlToken{tokSymbol, string(r)})
			i += w
		}
	}

	return toks
}

// scanQuoted returns the index just past the quoted run starting at i; a
// doubled quote is an escaped quote. An unclosed run ends at the text's end.
func scanQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if j+1 < len(s) && s[j+1] == q {
			j++

			continue
		}

		return j + 1
	}

	return len(s)
}

func scanNumber(s string, i int) int {
	j := i
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
		j++
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && s[k] >= '0' && s[k] <= '9' {
			j = k
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
		}
	}

	return j
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || unicode.IsLetter(r) || (i > 0 && (unicode.IsDigit(r) || r == '$')) {
			continue
		}

		return false
	}

	return true
}

// sqlKeywords are the reserved words of Dremio's SQL dialect (Calcite-based)
// that appear in view definitions. A word in this set is a keyword whatever
// its case, and a quoted identifier spelled like one keeps its quotes.
var sqlKeywords = func() map[string]bool {
	words := `ALL ALLOCATE ALTER AND ANY ARE ARRAY AS ASC ASYMMETRIC AT AUTHORIZATION AVG BEGIN BETWEEN BIGINT
BINARY BOOLEAN BOTH BY CALL CARDINALITY CASE CAST CEIL CEILING CHAR CHARACTER CHECK COALESCE COLLATE COLLECT
COLUMN CONDITION CONSTRAINT CONVERT CORR COUNT COVAR_POP COVAR_SAMP CREATE CROSS CUBE CUME_DIST CURRENT
CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURSOR DATE DAY DEC DECIMAL DECLARE DEFAULT DELETE
DENSE_RANK DESC DESCRIBE DISTINCT DOUBLE DROP ELSE END ESCAPE EVERY EXCEPT EXISTS EXP EXTRACT FALSE FETCH
FILTER FIRST FIRST_VALUE FLOAT FLOOR FOLLOWING FOR FOREIGN FROM FULL FUNCTION FUSION GROUP GROUPING HAVING
HOUR IN INNER INSERT INT INTEGER INTERSECT INTERSECTION INTERVAL INTO IS JOIN LAG LAST LAST_VALUE LATERAL LEAD
LEADING LEFT LIKE LIKE_REGEX LIMIT LN LOCAL LOCALTIME LOCALTIMESTAMP LOWER MATCH MAX MERGE MIN MINUS MINUTE MOD
MONTH MULTISET NATURAL NEXT NOT NTH_VALUE NTILE NULL NULLIF NULLS NUMERIC OF OFFSET ON ONLY OR ORDER OUTER OVER
OVERLAPS PARTITION PERCENT_RANK PERCENTILE_CONT PERCENTILE_DISC POSITION POWER PRECEDING PRECISION QUALIFY
RANGE RANK REAL RECURSIVE RIGHT ROLLUP ROW ROW_NUMBER ROWS SECOND SELECT SIMILAR SMALLINT SOME SQRT STDDEV_POP
STDDEV_SAMP SUBSTRING SUM SYMMETRIC TABLE TABLESAMPLE THEN TIME TIMESTAMP TINYINT TO TRAILING TRIM TRUE
UESCAPE UNBOUNDED UNION UNIQUE UNKNOWN UNNEST UPDATE UPPER USER USING VALUE VALUES VAR_POP VAR_SAMP VARBINARY
VARCHAR VARYING WHEN WHERE WINDOW WITH WITHIN WITHOUT YEAR`
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}

	return m
}()
