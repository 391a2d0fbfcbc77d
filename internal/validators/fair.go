package validators

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Identifier checks shared by the submission validator (runner) and the
// FAIR dataset resources. Each Check* function returns why a value is
// invalid, or "", so runner reports and plan diagnostics use one wording.

var (
	orcidRE = regexp.MustCompile(`^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$`)
	doiRE   = regexp.MustCompile(`^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)$`)
	// ROR ids are a leading 0, six Crockford base32 characters and two
	// check digits; the alphabet leaves out i, l, o and u.
	rorRE = regexp.MustCompile(`^(?:https?://)?(?:ror\.org/)?(0[0-9a-hjkmnp-tv-z]{6}[0-9]{2})$`)
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

// ORCIDURI returns the canonical https://orcid.org/ form of a valid iD.
func ORCIDURI(s string) string {
	if m := orcidRE.FindStringSubmatch(s); m != nil {
		return "https://orcid.org/" + m[1]
	}

	return s
}

// CheckROR returns why s is not a ROR id, or "". The two trailing digits
// are an ISO 7064 MOD 97-10 checksum over the base32 value, as ROR issues
// them, so a mistyped character is caught.
func CheckROR(s string) string {
	m := rorRE.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return "must look like 03yrm5c26 or https://ror.org/03yrm5c26 (a 0, six base32 characters and two check digits)"
	}
	id := m[1]
	var n uint64
	for _, c := range id[:7] {
		n = n*32 + uint64(strings.IndexRune(crockford, c))
	}
	want := 98 - (n*100)%97
	if fmt.Sprintf("%02d", want) != id[7:] {
		return fmt.Sprintf("has wrong check digits (expected %02d); check for a typo", want)
	}

	return ""
}

const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// RORURI returns the canonical https://ror.org/ form of a valid ROR id.
func RORURI(s string) string {
	if m := rorRE.FindStringSubmatch(strings.ToLower(s)); m != nil {
		return "https://ror.org/" + m[1]
	}

	return s
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

// CheckLicenseID is CheckLicense restricted to one identifier, as a DataCite
// rightsIdentifier and a schema.org license URL hold exactly one licence.
func CheckLicenseID(s string) string {
	if msg := CheckLicense(s); msg != "" {
		return msg
	}
	if strings.ContainsAny(strings.TrimSpace(s), " ()") {
		return "must be a single SPDX license identifier such as CC-BY-4.0, not an expression"
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

// ORCID, ROR, SPDX and SPDXID are the plan-time forms of the checks above.
func ORCID() validator.String {
	return checkValidator{"an ORCID iD with a valid check digit", "Invalid ORCID iD", CheckORCID}
}
func ROR() validator.String {
	return checkValidator{"a ROR id with valid check digits", "Invalid ROR id", CheckROR}
}
func SPDX() validator.String {
	return checkValidator{"an SPDX license expression", "Invalid licence", CheckLicense}
}
func SPDXID() validator.String {
	return checkValidator{"a single SPDX license identifier", "Invalid licence", CheckLicenseID}
}
