package dremio

import "testing"

func TestNormalizeSQL_equivalent(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, a, b string }{
		{"whitespace", "select a,b from s.t", "SELECT  a ,\n\tb\nFROM s . t"},
		{"keyword case", "select a from t where x is not null", "SELECT a FROM t WHERE x IS NOT NULL"},
		{"needless quotes", `SELECT "student_id" FROM "lake"."oulad"."students"`, "SELECT student_id FROM lake.oulad.students"},
		{"backticks", "SELECT `a` FROM t", "SELECT a FROM t"},
		{"function case", "select count(*), coalesce(a, 0) from t", "SELECT COUNT(*), COALESCE(a, 0) FROM t"},
		{"unknown function case", "select my_udf(a) from t", "SELECT MY_UDF(a) FROM t"},
		{"trailing semicolon", "SELECT 1;", "SELECT 1 ; ;"},
		{"comments", "SELECT a -- the id\nFROM t /* main */", "SELECT a FROM t"},
		{"not equal spellings", "SELECT a FROM t WHERE b != 1", "SELECT a FROM t WHERE b <> 1"},
		{"server rewrite", "select s.code_module as module, sum(s.score) total\nfrom oulad.assessments s group by 1",
			`SELECT "s"."code_module" AS "module", SUM("s"."score") "total" FROM "oulad"."assessments" "s" GROUP BY 1`},
		{"optional AS", "SELECT a AS x, COUNT(*) AS n FROM t AS s", "SELECT a x, COUNT(*) n FROM t s"},
		{"exponent case", "SELECT 1e3", "SELECT 1E3"},
		{"escaped quote in identifier kept", `SELECT "a""b" FROM t`, `SELECT  "a""b"  FROM t`},
		{"non-ascii identifier", `SELECT "größe" FROM t`, "SELECT größe FROM t"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if !SQLEquivalent(c.a, c.b) {
				t.Errorf("expected equivalent:\n  %q -> %q\n  %q -> %q", c.a, NormalizeSQL(c.a), c.b, NormalizeSQL(c.b))
			}
		})
	}
}

func TestNormalizeSQL_different(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, a, b string }{
		{"string literal case", "SELECT a FROM t WHERE c = 'Pass'", "SELECT a FROM t WHERE c = 'pass'"},
		{"string literal spaces", "SELECT 'a  b'", "SELECT 'a b'"},
		{"alias case is a column name", `SELECT a AS "Total" FROM t`, "SELECT a AS total FROM t"},
		{"identifier case", "SELECT Score FROM t", "SELECT score FROM t"},
		{"keyword-named identifier needs quotes", `SELECT "year" FROM t`, "SELECT year FROM t"},
		{"quoted dot is one element", `SELECT a FROM "s.t"`, "SELECT a FROM s.t"},
		{"different table", "SELECT a FROM s.t1", "SELECT a FROM s.t2"},
		{"different predicate", "SELECT a FROM t WHERE b > 1", "SELECT a FROM t WHERE b >= 1"},
		{"number", "SELECT 1", "SELECT 10"},
		{"added column", "SELECT a FROM t", "SELECT a, b FROM t"},
		{"comment marker inside string", "SELECT '--x' FROM t", "SELECT '' FROM t"},
		{"alias versus next column", "SELECT a AS b FROM t", "SELECT a, b FROM t"},
		{"limit", "SELECT a FROM t", "SELECT a FROM t LIMIT 10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if SQLEquivalent(c.a, c.b) {
				t.Errorf("expected different, both normalise to %q", NormalizeSQL(c.a))
			}
		})
	}
}

func TestNormalizeSQL_unterminated(t *testing.T) {
	t.Parallel()
	// Broken input must not panic; the server will reject it.
	for _, s := range []string{"SELECT 'abc", `SELECT "abc`, "SELECT /* x", "SELECT a --", `"`, "'", ""} {
		_ = NormalizeSQL(s)
	}
}

func TestPathRoundTrip(t *testing.T) {
	t.Parallel()
	for _, p := range [][]string{{"a"}, {"lake", "oulad", "students"}, {"s", "with.dot", `q"uote`}, {"sp ace", ""}} {
		got, err := ParsePath(PathID(p))
		if err != nil || len(got) != len(p) {
			t.Fatalf("ParsePath(PathID(%q)) = %q, %v", p, got, err)
		}
		for i := range p {
			if got[i] != p[i] {
				t.Fatalf("element %d: %q != %q", i, got[i], p[i])
			}
		}
	}
	for _, bad := range []string{"a..b", `a."b`, "", ".a"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("ParsePath(%q) should fail", bad)
		}
	}
}

func BenchmarkNormalizeSQL(b *testing.B) {
	q := `SELECT s."code_module", s.code_presentation, COUNT(*) AS students, -- per presentation
       AVG(CASE WHEN a.score >= 40 THEN 1.0 ELSE 0.0 END) AS pass_rate
  FROM lake.oulad."studentAssessment" a JOIN lake.oulad.studentInfo s ON a.id_student = s.id_student
 WHERE s.final_result <> 'Withdrawn' GROUP BY 1, 2 ORDER BY pass_rate DESC`
	b.SetBytes(int64(len(q)))
	for b.Loop() {
		_ = NormalizeSQL(q)
	}
}
