package submission

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
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
// The check is shared with the dataset resources in internal/validators.
func CheckLicense(s string) string { return validators.CheckLicense(s) }

// CheckORCID returns why s is not an ORCID iD, or "" (check digit included).
func CheckORCID(s string) string { return validators.CheckORCID(s) }

// CheckROR returns why s is not a ROR id, or "" (check digits included).
func CheckROR(s string) string { return validators.CheckROR(s) }

// CheckDOI returns why s is not a DOI, or "".
func CheckDOI(s string) string { return validators.CheckDOI(s) }
