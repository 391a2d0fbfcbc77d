package expectations

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// evalParameterExpr evaluates the expression language GX accepts in place
// of a suite parameter name: numbers, parameter names, + - * / and ^
// (right-associative), signs, parentheses, PI and E, the functions sin,
// cos, tan, exp, abs, trunc, round and sgn, and the dates now(),
// datetime(...) and timedelta(...). Values behave as in Python, which GX
// evaluates them in: integers stay integers until a float or / meets them,
// a datetime plus or minus a timedelta is a datetime, shown as Python's
// isoformat(). A bare name is the parameter's value, whatever its type.
func evalParameterExpr(expr string, params map[string]any) (any, error) {
	p := &paramParser{src: expr, params: params}
	name := strings.TrimSpace(expr)
	if strings.HasPrefix(name, "urn:") {
		// GX 0.18's references to other validations' metrics: only a
		// value given in the suite stands for one here.
		return nil, undefinedParameter(name)
	}
	if isParamName(name) && !strings.EqualFold(name, "pi") && !strings.EqualFold(name, "e") {
		if v, ok := params[name]; ok {
			return v, nil
		}
		return nil, undefinedParameter(name)
	}
	v, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("suite parameter %q: %w", expr, err)
	}
	switch x := v.(type) {
	case time.Time:
		return pyISOFormat(x), nil
	case time.Duration:
		return nil, fmt.Errorf("suite parameter %q is a timedelta, not a number or a date: add it to a datetime such as now()", expr)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("suite parameter %q evaluates to %v, which is not a number a kwarg can take", expr, x)
		}
	}

	return v, nil
}

func undefinedParameter(name string) error {
	return fmt.Errorf("suite parameter %q is not defined; give it a value in the suite's \"suite_parameters\" (GX 0.18: \"evaluation_parameters\")", name)
}

// isParamName is GX's variable token: a letter, then letters, digits, _ or $.
func isParamName(s string) bool {
	for i, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
		if i == 0 && !unicode.IsLetter(r) || !isNameRune(r) {
			return false
		}
	}

	return s != ""
}

// pyISOFormat is Python's datetime.isoformat() of a naive datetime.
func pyISOFormat(t time.Time) string {
	if t.Nanosecond()/1000 != 0 {
		return t.Format("2006-01-02T15:04:05.000000")
	}

	return t.Format("2006-01-02T15:04:05")
}

// paramParser is a recursive-descent parser that evaluates as it goes:
//
//	expr   = term { ("+" | "-") term }
//	term   = factor { ("*" | "/") factor }
//	factor = atom [ "^" factor ]
//	atom   = { "+" | "-" } ( call | PI | E | number | name | "(" expr ")" )
//
// As in GX's grammar, a sign binds tighter than ^: -2^2 is 4.
type paramParser struct {
	src    string
	pos    int
	params map[string]any
}

func (p *paramParser) parse() (any, error) {
	v, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, fmt.Errorf("unexpected %q at column %d", p.src[p.pos:], p.pos+1)
	}

	return v, nil
}

func (p *paramParser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// peek skips spaces and reports the next byte (0 at the end).
func (p *paramParser) peek() byte {
	p.space()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}

	return 0
}

func (p *paramParser) expr() (any, error) {
	v, err := p.term()
	for err == nil {
		op := p.peek()
		if op != '+' && op != '-' {
			break
		}
		p.pos++
		var r any
		if r, err = p.term(); err == nil {
			v, err = pyArith(op, v, r)
		}
	}

	return v, err
}

func (p *paramParser) term() (any, error) {
	v, err := p.factor()
	for err == nil {
		op := p.peek()
		if op != '*' && op != '/' {
			break
		}
		p.pos++
		var r any
		if r, err = p.factor(); err == nil {
			v, err = pyArith(op, v, r)
		}
	}

	return v, err
}

func (p *paramParser) factor() (any, error) {
	v, err := p.atom()
	if err != nil || p.peek() != '^' {
		return v, err
	}
	p.pos++
	r, err := p.factor()
	if err != nil {
		return nil, err
	}

	return pyArith('^', v, r)
}

func (p *paramParser) atom() (any, error) {
	neg := false
	for c := p.peek(); c == '+' || c == '-'; c = p.peek() {
		neg = neg != (c == '-')
		p.pos++
	}
	v, err := p.primary()
	if err != nil || !neg {
		return v, err
	}
	if d, ok := v.(time.Duration); ok {
		return -d, nil
	}

	return pyArith('-', int64(0), v)
}

func (p *paramParser) primary() (any, error) {
	c := p.peek()
	switch {
	case c == 0:
		return nil, errors.New("the expression ends where a value is expected")
	case c == '(':
		p.pos++
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, fmt.Errorf("missing ) at column %d", p.pos+1)
		}
		p.pos++
		return v, nil
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case c < unicode.MaxASCII && unicode.IsLetter(rune(c)):
		name := p.name()
		if p.peek() == '(' {
			p.pos++
			return p.call(name)
		}
		switch strings.ToUpper(name) {
		case "PI":
			return math.Pi, nil
		case "E":
			return math.E, nil
		}
		return p.variable(name)
	}

	return nil, fmt.Errorf("unexpected %q at column %d", string(c), p.pos+1)
}

func isNameRune(c rune) bool {
	return unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '$'
}

func (p *paramParser) name() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := rune(p.src[p.pos])
		if c > unicode.MaxASCII || !isNameRune(c) {
			break
		}
		p.pos++
	}

	return p.src[start:p.pos]
}

// number reads digits [. digits] [e [sign] digits] or . digits: an integer
// when it has neither point nor exponent, as Python's int() would read it.
func (p *paramParser) number() (any, error) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	whole := digits()
	isFloat := false
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		isFloat = true
		if digits() == 0 && whole == 0 {
			return nil, fmt.Errorf("a lone . at column %d", start+1)
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		save := p.pos
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.pos = save
		} else {
			isFloat = true
		}
	}
	text := p.src[start:p.pos]
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, fmt.Errorf("cannot read the number %q", text)
	}

	return f, nil
}

// variable is a parameter's value inside a larger expression. GX writes it
// out as text and reads that as an integer, a float or a date, in turn.
func (p *paramParser) variable(name string) (any, error) {
	v, ok := p.params[name]
	if !ok {
		return nil, undefinedParameter(name)
	}
	switch x := v.(type) {
	case int64, float64:
		return x, nil
	case int:
		return int64(x), nil
	case string:
		s := strings.TrimSpace(x)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, nil
		}
		if t, ok := parseTime(s); ok {
			return t, nil
		}
	}
	if f, ok := toFloat(v); ok {
		if _, isBool := v.(bool); !isBool {
			return f, nil
		}
	}

	return nil, fmt.Errorf("suite parameter %q is %s, which reads as neither a number nor a date", name, shown(v))
}

// call evaluates name(args) after its opening parenthesis. Arguments are
// all positional or all keywords, as GX's grammar has it.
func (p *paramParser) call(name string) (any, error) {
	var args []any
	kwargs := map[string]any{}
	if p.peek() == ')' {
		p.pos++
		return pyCall(name, args, kwargs)
	}
	for {
		save := p.pos
		p.space()
		key := p.name()
		if key != "" && p.peek() == '=' {
			p.pos++
		} else {
			p.pos, key = save, ""
		}
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		if key != "" {
			kwargs[key] = v
		} else {
			args = append(args, v)
		}
		switch p.peek() {
		case ',':
			p.pos++
			continue
		case ')':
			p.pos++
		default:
			return nil, fmt.Errorf("%s(: missing ) at column %d", name, p.pos+1)
		}
		break
	}
	if len(args) > 0 && len(kwargs) > 0 {
		return nil, fmt.Errorf("%s(): give its arguments all by position or all by name", name)
	}

	return pyCall(name, args, kwargs)
}

func pyCall(name string, args []any, kwargs map[string]any) (any, error) {
	switch name {
	case "now":
		if len(args)+len(kwargs) > 0 {
			return nil, errors.New("now() takes no arguments")
		}
		// Python's datetime.now(): the local wall clock, naive.
		n := time.Now()
		return time.Date(n.Year(), n.Month(), n.Day(), n.Hour(), n.Minute(), n.Second(), n.Nanosecond()/1000*1000, time.UTC), nil
	case "datetime":
		return pyDatetime(args, kwargs)
	case "timedelta":
		return pyTimedelta(args, kwargs)
	}
	if len(kwargs) > 0 {
		return nil, fmt.Errorf("%s() takes no keyword arguments", name)
	}
	if name == "round" && len(args) == 2 {
		return pyRoundDigits(args[0], args[1])
	}
	f, ok := map[string]func(float64) float64{"sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "exp": math.Exp}[name]
	known := ok || name == "abs" || name == "trunc" || name == "round" || name == "sgn"
	if !known {
		return nil, fmt.Errorf("unknown function %s(); GX knows sin, cos, tan, exp, abs, trunc, round, sgn, now, datetime and timedelta", name)
	}
	if len(args) != 1 {
		return nil, fmt.Errorf("%s() takes one argument, not %d", name, len(args))
	}
	a := args[0]
	if name == "abs" {
		switch x := a.(type) {
		case int64:
			if x == math.MinInt64 {
				return nil, errors.New("abs(): integer overflow")
			}
			return max(x, -x), nil
		case time.Duration:
			return max(x, -x), nil
		}
	}
	x, isNum := a.(float64)
	if n, isInt := a.(int64); isInt {
		x, isNum = float64(n), true
	}
	if !isNum {
		return nil, fmt.Errorf("%s() needs a number, not %s", name, pyTypeName(a))
	}
	switch name {
	case "abs":
		return math.Abs(x), nil
	case "trunc":
		return pyInt(math.Trunc(x), "trunc()")
	case "round":
		if n, isInt := a.(int64); isInt {
			return n, nil
		}
		return pyInt(math.RoundToEven(x), "round()")
	case "sgn":
		const eps = 1e-12
		switch {
		case x < -eps:
			return int64(-1), nil
		case x > eps:
			return int64(1), nil
		}
		return int64(0), nil
	}

	return f(x), nil
}

// pyRoundDigits is Python's round(x, n): the nearest multiple of 10^-n,
// ties to even, of the type of x.
func pyRoundDigits(a, n any) (any, error) {
	digits, ok := n.(int64)
	if !ok {
		return nil, fmt.Errorf("round(): the number of digits must be an integer, not %s", pyTypeName(n))
	}
	switch x := a.(type) {
	case int64:
		if digits >= 0 {
			return x, nil
		}
		scale := math.Pow(10, float64(-digits))
		return pyInt(math.RoundToEven(float64(x)/scale)*scale, "round()")
	case float64:
		scale := math.Pow(10, float64(digits))
		if math.IsInf(scale, 0) || scale == 0 {
			return x, nil
		}
		return math.RoundToEven(x*scale) / scale, nil
	}

	return nil, fmt.Errorf("round() needs a number, not %s", pyTypeName(a))
}

func pyInt(f float64, what string) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f >= 1<<63 || f < -(1<<63) {
		return nil, fmt.Errorf("%s: %v is not an integer that fits in 64 bits", what, f)
	}

	return int64(f), nil
}

// pyArgs places positional and keyword arguments by Python's parameter
// order, refusing unknown names and duplicates.
func pyArgs(fn string, names []string, args []any, kwargs map[string]any) ([]any, error) {
	if len(args) > len(names) {
		return nil, fmt.Errorf("%s() takes at most %d arguments, not %d", fn, len(names), len(args))
	}
	out := make([]any, len(names))
	copy(out, args)
	for k, v := range kwargs {
		i := slices.Index(names, k)
		if i < 0 {
			return nil, fmt.Errorf("%s() has no argument %q; it takes %s", fn, k, strings.Join(names, ", "))
		}
		out[i] = v
	}

	return out, nil
}

func pyDatetime(args []any, kwargs map[string]any) (any, error) {
	names := []string{"year", "month", "day", "hour", "minute", "second", "microsecond"}
	vals, err := pyArgs("datetime", names, args, kwargs)
	if err != nil {
		return nil, err
	}
	n := make([]int64, len(names))
	limits := [][2]int64{{1, 9999}, {1, 12}, {1, 31}, {0, 23}, {0, 59}, {0, 59}, {0, 999999}}
	for i, v := range vals {
		if v == nil {
			if i < 3 {
				return nil, fmt.Errorf("datetime() needs %s", names[i])
			}
			continue
		}
		x, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("datetime(): %s must be an integer, not %s", names[i], pyTypeName(v))
		}
		if x < limits[i][0] || x > limits[i][1] {
			return nil, fmt.Errorf("datetime(): %s %d is out of range", names[i], x)
		}
		n[i] = x
	}
	t := time.Date(int(n[0]), time.Month(n[1]), int(n[2]), int(n[3]), int(n[4]), int(n[5]), int(n[6])*1000, time.UTC)
	if t.Day() != int(n[2]) {
		return nil, fmt.Errorf("datetime(): day %d is out of range for month %d of %d", n[2], n[1], n[0])
	}

	return t, nil
}

func pyTimedelta(args []any, kwargs map[string]any) (any, error) {
	names := []string{"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"}
	units := []float64{86400e6, 1e6, 1, 1e3, 60e6, 3600e6, 7 * 86400e6} // microseconds
	vals, err := pyArgs("timedelta", names, args, kwargs)
	if err != nil {
		return nil, err
	}
	total := 0.0
	for i, v := range vals {
		if v == nil {
			continue
		}
		x, ok := v.(float64)
		if n, isInt := v.(int64); isInt {
			x, ok = float64(n), true
		}
		if !ok {
			return nil, fmt.Errorf("timedelta(): %s must be a number, not %s", names[i], pyTypeName(v))
		}
		total += x * units[i]
	}
	// time.Duration spans ±292 years, enough for any date arithmetic a
	// suite does; Python's timedelta reaches further.
	us := math.RoundToEven(total)
	if math.Abs(us) > float64(math.MaxInt64/1000) {
		return nil, errors.New("timedelta(): longer than 292 years")
	}

	return time.Duration(us) * time.Microsecond, nil
}

func pyTypeName(v any) string {
	switch v.(type) {
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case time.Time:
		return "a datetime"
	case time.Duration:
		return "a timedelta"
	}

	return shown(v)
}

// pyArith applies a binary operator with Python's rules for int, float,
// datetime and timedelta operands.
func pyArith(op byte, a, b any) (any, error) {
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	if aInt && bInt {
		if r, ok := intArith(op, ai, bi); ok {
			return r, nil
		}
	}
	af, aNum := numberOf(a)
	bf, bNum := numberOf(b)
	if aNum && bNum {
		return floatArith(op, af, bf)
	}
	at, aTime := a.(time.Time)
	bt, bTime := b.(time.Time)
	ad, aDur := a.(time.Duration)
	bd, bDur := b.(time.Duration)
	switch {
	case op == '+' && aTime && bDur:
		return at.Add(bd), nil
	case op == '+' && aDur && bTime:
		return bt.Add(ad), nil
	case op == '-' && aTime && bDur:
		return at.Add(-bd), nil
	case op == '-' && aTime && bTime:
		return at.Sub(bt), nil
	case (op == '+' || op == '-') && aDur && bDur:
		if op == '-' {
			bd = -bd
		}
		return ad + bd, nil
	case op == '*' && aDur && bNum:
		return time.Duration(math.RoundToEven(float64(ad) * bf)), nil
	case op == '*' && aNum && bDur:
		return time.Duration(math.RoundToEven(af * float64(bd))), nil
	case op == '/' && aDur && bNum:
		if bf == 0 {
			return nil, errors.New("division by zero")
		}
		return time.Duration(math.RoundToEven(float64(ad) / bf)), nil
	case op == '/' && aDur && bDur:
		if bd == 0 {
			return nil, errors.New("division by zero")
		}
		return float64(ad) / float64(bd), nil
	}

	return nil, fmt.Errorf("cannot apply %c to %s and %s", op, pyTypeName(a), pyTypeName(b))
}

func numberOf(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}

	return 0, false
}

// intArith is integer arithmetic that stays integral in Python; ok is false
// where the result is a float (/, a negative power) or overflows 64 bits,
// which Python's unbounded integers never do, so the float result stands in.
func intArith(op byte, a, b int64) (any, bool) {
	switch op {
	case '+':
		r := a + b
		return r, (r > a) == (b > 0) || b == 0
	case '-':
		r := a - b
		return r, (r < a) == (b > 0) || b == 0
	case '*':
		if a == 0 || b == 0 {
			return int64(0), true
		}
		r := a * b
		// MinInt64 * -1 wraps to itself, which the division check misses.
		return r, r/b == a && (a != -1 || b != math.MinInt64) && (b != -1 || a != math.MinInt64)
	case '^':
		return intPow(a, b)
	}

	return nil, false
}

// intPow is a^b for b >= 0 while it fits in 64 bits.
func intPow(a, b int64) (any, bool) {
	switch {
	case b < 0:
		return nil, false
	case a == 0 || a == 1:
		if b == 0 {
			return int64(1), true
		}
		return a, true
	case a == -1:
		return 1 - 2*(b&1), true
	}
	// |a| >= 2, so 64 rounds overflow: the loop is short.
	r := int64(1)
	for range b {
		next := r * a
		if next/a != r {
			return nil, false
		}
		r = next
	}

	return r, true
}

func floatArith(op byte, a, b float64) (any, error) {
	switch op {
	case '+':
		return a + b, nil
	case '-':
		return a - b, nil
	case '*':
		return a * b, nil
	case '/':
		if b == 0 {
			return nil, errors.New("division by zero")
		}
		return a / b, nil
	case '^':
		if a == 0 && b < 0 {
			return nil, errors.New("0 cannot be raised to a negative power")
		}
		r := math.Pow(a, b)
		if math.IsNaN(r) {
			return nil, fmt.Errorf("%v ^ %v is not a real number", a, b)
		}
		return r, nil
	}

	return nil, fmt.Errorf("unknown operator %c", op)
}
