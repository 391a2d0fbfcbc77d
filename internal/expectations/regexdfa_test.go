package expectations

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var dfaPatterns = []string{
	`^s[0-9]+@uni\.example$`, `@uni\.example$`, `^[A-Z]{2}\d{4}$`, `[aeiou]{3}`, `^\w+@\w+\.\w+$`,
	``, `^`, `$`, `^$`, `a*`, `a+`, `^a|b$`, `(?i)^abc`, `(?i)k`, `(?s)a.b`, `a.b`, `(?m)^b`, `(?m)a$`,
	`\bfoo\b`, `\Bo`, `\Aab\z`, `x\z|^y`, `^(ab|a)*c$`, `[^a-c]+`, `a{2,3}$`, `(a|b)*a(a|b){12}`,
	`.`, `^.$`, `\d+(\.\d+)?`, `[[:alpha:]]+$`, `é`, `^.{3}$`, `\pL`, `[\x{80}-\x{10FFFF}]`, `a\z|\Ab`,
	`$^`, `[^\x00-\x{10FFFF}]`, `(?:^|,)x(?:,|$)`, `\Q.*\E`,
}

var dfaTexts = []string{
	"", "a", "b", "ab", "abc", "ABC", "aBc", "xabc", "s00000001@uni.example", "s1@uni.example\n",
	"t1@uni.example", "s@uni.example", "s12@uni.examplex", "AB1234", "ab1234", "AB12345", "queue", "aeb",
	"a\nb", "b\na", "foo", "foobar", "a foo.", "K", "k", "\u212a", "é", "café", "caf\xc3", "\xff", "aab", "aaaa",
	"abababababababababababac", "1.5", "x", ",x,", "a,x", "é@uni.example", "s1é@uni.example", "abé", "\x00", "a\x00b",
	strings.Repeat("ab", 40) + "a" + strings.Repeat("b", 12), strings.Repeat("a", 100),
}

// TestMatcherAgreesWithRegexp holds the DFA to Go's regexp on every
// pattern and text: the DFA is only a faster way to the same answer.
func TestMatcherAgreesWithRegexp(t *testing.T) {
	for _, p := range dfaPatterns {
		re := regexp.MustCompile(p)
		m := newMatcher(re)
		for pass := 0; pass < 2; pass++ { // the second pass reads cached transitions
			for _, s := range dfaTexts {
				if got, want := m.MatchString(s), re.MatchString(s); got != want {
					t.Errorf("pattern %q, text %q: matcher %v, regexp %v", p, s, got, want)
				}
			}
		}
	}
}

// TestMatcherUsesDFA checks that the common anchored and unanchored shapes
// take the DFA, and assertions it does not model take the regexp.
func TestMatcherUsesDFA(t *testing.T) {
	for p, dfa := range map[string]bool{`^s[0-9]+@uni\.example$`: true, `@uni\.example`: true, `(?i)^[a-z]+\z`: true,
		`\bfoo\b`: false, `(?m)^a`: false} {
		m := newMatcher(regexp.MustCompile(p))
		if m.MatchString("s1@uni.example"); m.off == dfa {
			t.Errorf("pattern %q: DFA used = %v, want %v", p, !m.off, dfa)
		}
	}
}

// TestMatcherStateBound feeds a pattern whose DFA has more states than the
// bound: the matcher then hands texts to the regexp and stays correct.
func TestMatcherStateBound(t *testing.T) {
	re := regexp.MustCompile(`(a|b)*a(a|b){13}`)
	m := newMatcher(re)
	for i := 0; i < 1<<15; i++ {
		s := fmt.Sprintf("%016b", i*2654435761%(1<<16))
		s = strings.NewReplacer("0", "a", "1", "b").Replace(s)
		if got, want := m.MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("text %q: matcher %v, regexp %v", s, got, want)
		}
	}
	if !m.off || len(m.pcs) > maxDFAStates {
		t.Fatalf("DFA has %d states (off=%v); want it switched off at the bound of %d", len(m.pcs), m.off, maxDFAStates)
	}
}

func FuzzMatcher(f *testing.F) {
	for i, p := range dfaPatterns {
		f.Add(p, dfaTexts[i%len(dfaTexts)])
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		m := newMatcher(re)
		for pass := 0; pass < 2; pass++ {
			if got, want := m.MatchString(s), re.MatchString(s); got != want {
				t.Fatalf("pattern %q, text %q: matcher %v, regexp %v", p, s, got, want)
			}
		}
	})
}

// BenchmarkRegexMatch compares the matcher with Go's regexp on the
// benchmark suite's e-mail pattern.
func BenchmarkRegexMatch(b *testing.B) {
	texts := make([]string, 4096)
	for i := range texts {
		texts[i] = fmt.Sprintf("s%08d@uni.example", i*7919)
	}
	re := regexp.MustCompile(`^s[0-9]+@uni\.example$`)
	b.Run("regexp", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			re.MatchString(texts[i&4095])
		}
	})
	b.Run("matcher", func(b *testing.B) {
		m := newMatcher(re)
		for i := 0; b.Loop(); i++ {
			m.MatchString(texts[i&4095])
		}
	})
}
