package deid

import (
	"strings"
	"testing"
)

func TestDebugMisses(t *testing.T) {
	s := newTestScrubber(t)
	n := map[string]int{}
	for _, smp := range loadPIISamples(t) {
		fs := s.Find(smp.FullText)
		for _, sp := range smp.Spans {
			if sp.Type != "STREET_ADDRESS" && sp.Type != "PERSON" {
				continue
			}
			for _, loc := range wordRE.FindAllStringIndex(smp.FullText[sp.Start:sp.End], -1) {
				a, b := sp.Start+loc[0], sp.Start+loc[1]
				ok := false
				for _, f := range fs {
					if a >= f.Start && b <= f.End {
						ok = true
					}
				}
				if !ok {
					n[sp.Type]++
					if n[sp.Type]%3 == 0 {
						ctx := smp.FullText[max(0, a-30):min(len(smp.FullText), b+20)]
						t.Logf("%s %q in %q", sp.Type, smp.FullText[a:b], strings.ReplaceAll(ctx, "\n", "|"))
					}
				}
			}
		}
	}
	t.Log(n)
}
