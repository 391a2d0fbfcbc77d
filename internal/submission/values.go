package submission

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/github/go-spdx/v2/spdxexp"
)

// checkTyped returns why v is not a value of the logical type, or "".
func checkTyped(typ, v string) string {
	switch typ {
	case TypeInteger:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "not an integer"
		}
	case TypeNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "not a finite number"
		}
	case TypeBoolean:
		switch strings.ToLower(v) {
		case "true", "false", "1", "0":
		default:
			return "not a boolean (true, false, 1 or 0)"
		}
	case TypeDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "not a date (YYYY-MM-DD)"
		}
	case TypeDatetime:
		if parseDatetime(v) != nil {
			return "not a date-time (RFC 3339, or YYYY-MM-DD hh:mm:ss)"
		}
	}

	return ""
}

func parseDatetime(v string) error {
	for _, layout := range []string{time.RFC3339Nano, time.DateTime, "2006-01-02T15:04:05"} {
		if _, err := time.Parse(layout, v); err == nil {
			return nil
		}
	}

	return strconv.ErrSyntax
}

// CheckLicense returns why s is not a valid SPDX license expression, or "".
func CheckLicense(s string) string {
	if strings.TrimSpace(s) == "" {
		return "must be an SPDX license identifier such as CC-BY-4.0"
	}
	if ok, invalid := spdxexp.ValidateLicenses([]string{s}); !ok {
		return "\"" + strings.Join(invalid, ", ") + "\" is not an SPDX license identifier or expression (see https://spdx.org/licenses/), for example CC-BY-4.0"
	}

	return ""
}

var (
	orcidRE = regexp.MustCompile(`^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$`)
	doiRE   = regexp.MustCompile(`^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)$`)
)

// CheckORCID returns why s is not an ORCID iD, or "". The last character
// is the ISO 7064 MOD 11-2 check digit, so typos are caught.
func CheckORCID(s string) string {
	m := orcidRE.FindStringSubmatch(s)
	if m == nil {
		return "must look like 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097"
	}
	digits := strings.ReplaceAll(m[1], "-", "")
	total := 0
	for _, c := range digits[:15] {
		total = (total + int(c-'0')) * 2
	}
	check := (12 - total%11) % 11
	want := byte('0' + check)
	if check == 10 {
		want = 'X'
	}
	if digits[15] != want {
		return "has a wrong check digit (the last character should be " + string(want) + "); check for a typo"
	}

	return ""
}

// CheckDOI returns why s is not a DOI, or "".
func CheckDOI(s string) string {
	if !doiRE.MatchString(s) {
		return "must look like 10.1038/sdata.2017.171 (optionally with https://doi.org/)"
	}

	return ""
}
