package expectations

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"unsafe"
)

// matcher answers regexp.MatchString faster on ASCII text. Go's regexp has
// no DFA: its one-pass and NFA engines cost about 10 ns a byte, which made
// the regex check the slowest of the common ones. A match/no-match answer
// needs no leftmost-first bookkeeping, so a DFA built lazily from the same
// compiled program gives the same answer: every transition is decided by
// the program's own instructions (syntax.Inst.MatchRune), on one byte.
// Text with a byte of 0x80 or above, empty text, and programs with
// assertions other than \A and \z (^ and $ outside multi-line mode) go to
// the regexp itself. A matcher is not safe for concurrent use; each
// expectation owns its own and sees its batches one at a time.
type matcher struct {
	re   *regexp.Regexp
	prog *syntax.Prog
	// trans is the transition table, 256 entries a state, indexed by the
	// state's offset plus the byte: the next state's offset, or one of the
	// dfa* outcomes below.
	trans []int32
	atEnd []bool     // by state number: the text matches if it ends here
	pcs   [][]uint32 // by state number: rune, match and pending \z instructions
	index map[string]int32
	rest  []uint32 // the start's closure after position 0 (unanchored search)
	off   bool     // no DFA for this program, or it grew too large
	start int32    // outcome at position 0: state 0, or dfaMatch
	stack []uint32
	buf   []uint32
}

// maxDFAStates bounds the DFA (1 KiB a state); past it the matcher hands
// every text to the regexp.
const maxDFAStates = 4096

// Transition outcomes that are no state.
const (
	dfaUnknown  = -1 // not computed yet
	dfaMatch    = -2 // a match has been seen: the text matches
	dfaDead     = -3 // no thread is left and none can start: no match
	dfaNotASCII = -4 // a byte of 0x80 or above: the regexp decides
)

func newMatcher(re *regexp.Regexp) *matcher {
	m := &matcher{re: re, off: true}
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return m
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return m
	}
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth && syntax.EmptyOp(in.Arg)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
			return m
		}
	}
	m.prog, m.off = prog, false
	m.index = map[string]int32{}
	m.rest = m.closure(nil, uint32(prog.Start), false)
	m.start = m.state(m.closure(nil, uint32(prog.Start), true))

	return m
}

// MatchString reports whether s contains a match of the regexp.
func (m *matcher) MatchString(s string) bool {
	if m.off || len(s) == 0 {
		return m.re.MatchString(s)
	}
	st := m.start
	switch st {
	case dfaMatch:
		return true // the empty match at the start
	case dfaDead:
		return false // no thread at all: the program cannot match
	}
	trans := m.trans
	for i := 0; i < len(s); i++ {
		nx := trans[st+int32(s[i])]
		if nx < 0 {
			if nx == dfaUnknown {
				nx = m.step(st, s[i])
				trans = m.trans
			}
			switch nx {
			case dfaMatch:
				// A later byte of 0x80 or above cannot undo a match found.
				return true
			case dfaDead:
				// The bytes read were ASCII, and no thread can start again
				// (the regexp is anchored at the start).
				return false
			case dfaNotASCII, dfaUnknown:
				return m.re.MatchString(s)
			}
		}
		st = nx
	}

	return m.atEnd[st>>8]
}

// step computes the transition of state st on ASCII byte c: the outcome,
// or dfaUnknown when the DFA is full (it is then switched off).
func (m *matcher) step(st int32, c byte) int32 {
	set := m.buf[:0]
	for _, pc := range m.pcs[st>>8] {
		in := &m.prog.Inst[pc]
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			if in.MatchRune(rune(c)) {
				set = m.closure(set, in.Out, false)
			}
		}
	}
	set = append(set, m.rest...)
	m.buf = set
	id := m.state(set)
	if id == dfaUnknown {
		m.off = true
		return id
	}
	m.trans[st+int32(c)] = id

	return id
}

// state returns the outcome of reaching the thread set: dfaMatch, dfaDead
// or the offset of its state, adding the state when new.
func (m *matcher) state(set []uint32) int32 {
	set = normSet(set)
	if len(set) == 0 {
		return dfaDead
	}
	atEnd := false
	for _, pc := range set {
		switch in := &m.prog.Inst[pc]; in.Op {
		case syntax.InstMatch:
			return dfaMatch
		case syntax.InstEmptyWidth:
			// Pending \z: the text matches if it ends here.
			atEnd = atEnd || m.reachesMatchAtEnd(in.Out)
		}
	}
	k := key32(set)
	if id, ok := m.index[k]; ok {
		return id
	}
	if len(m.pcs) >= maxDFAStates {
		return dfaUnknown
	}
	id := int32(len(m.trans))
	for c := 0; c < 256; c++ {
		v := int32(dfaUnknown)
		if c >= 0x80 {
			v = dfaNotASCII
		}
		m.trans = append(m.trans, v)
	}
	m.pcs = append(m.pcs, slices.Clone(set))
	m.atEnd = append(m.atEnd, atEnd)
	m.index[k] = id

	return id
}

// closure appends to set the instructions that consume a byte or match,
// reached from pc without consuming input. begin is whether the position
// is the start of the text. An assertion that needs the end of the text is
// kept as pending, to be judged when the text ends.
func (m *matcher) closure(set []uint32, pc uint32, begin bool) []uint32 {
	stack := append(m.stack[:0], pc)
	seen := map[uint32]bool{}
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		in := &m.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Arg, in.Out)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			held := syntax.EmptyOp(0)
			if begin {
				held = syntax.EmptyBeginText
			}
			switch {
			case op&^held == 0:
				stack = append(stack, in.Out)
			case op&syntax.EmptyEndText != 0 && op&^(held|syntax.EmptyEndText) == 0:
				set = append(set, pc)
			}
		case syntax.InstMatch, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			set = append(set, pc)
		}
	}
	m.stack = stack

	return set
}

// reachesMatchAtEnd reports whether pc leads to a match at the end of a
// non-empty text (only \z holds there).
func (m *matcher) reachesMatchAtEnd(pc uint32) bool {
	stack := []uint32{pc}
	seen := map[uint32]bool{}
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		in := &m.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			return true
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Arg, in.Out)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg)&^syntax.EmptyEndText == 0 {
				stack = append(stack, in.Out)
			}
		}
	}

	return false
}

// normSet sorts set and drops repeats, in place.
func normSet(set []uint32) []uint32 {
	slices.Sort(set)
	return slices.Compact(set)
}

func key32(set []uint32) string {
	if len(set) == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(&set[0])), len(set)*4))
}
