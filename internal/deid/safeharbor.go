package deid

import (
	"regexp"
	"strings"
)

// ProfileSafeHarbor is the built-in profile name.
const ProfileSafeHarbor = "safe-harbor"

// classRule maps column names (normalised: lower case, letters and digits
// only, so "E-mail", "e_mail" and "EMAIL" are all "email") onto an identifier
// and the action the safe-harbor profile applies.
type classRule struct {
	pattern    *regexp.Regexp
	identifier Identifier
	rule       Rule
}

// safeHarborRules is the column classification of the safe-harbor profile,
// first match wins, so specific patterns come before general ones. It is
// documented in the README and in docs/resources/deid_policy.md.
var safeHarborRules = []classRule{
	// Free text may hold any identifier: scrub it.
	{re(`^(notes?|comments?|narrative|description|freetext|text|remarks?|observations?|reason|message|body|summary)$`), IDFreeText, Rule{Action: "scrub"}},
	// G: SSN before generic numbers.
	{re(`ssn|socialsecurity|socsec`), IDSSN, Rule{Action: "drop"}},
	// F
	{re(`e?mail`), IDEmail, Rule{Action: "drop"}},
	// E before D: "faxphone" is a fax.
	{re(`fax`), IDFax, Rule{Action: "drop"}},
	{re(`phone|telephone|^tel$|mobile|^cell|pager`), IDPhone, Rule{Action: "drop"}},
	{re(`^ip$|ipaddress|ipaddr|^ipv[46]`), IDIP, Rule{Action: "drop"}},
	// B: ZIP generalised, every other unit below a state removed.
	{re(`^zip|zipcode|postal|postcode`), IDZip, Rule{Action: "zip3"}},
	{re(`address|street|^addr|^city$|town|county|precinct|^lat$|latitude|^lon$|^lng$|longitude|geocode|coordinates|birthplace|placeofbirth`), IDGeo, Rule{Action: "drop"}},
	// C: dates to year (birth dates top-coded over 89), ages over 89 bucketed.
	{re(`birthdate|dateofbirth|^dob$|birthday|^born`), IDDate, Rule{Action: "date_year", BirthDate: true}},
	{re(`date|^dt|dt$|time$|timestamp|^(admitted|discharged|died|deceased)|^dod$`), IDDate, Rule{Action: "date_year"}},
	{re(`^age$|^ageyears$|^ageatvisit$|^age`), IDAge, Rule{Action: "age"}},
	// H, I, J, K, L, M before names ("drivers" is a licence, "plate" a vehicle).
	{re(`mrn|medicalrecord|chartnumber|chartno`), IDMRN, Rule{Action: "drop"}},
	{re(`healthplan|beneficiary|memberid|membernumber|insuranceid|policynumber|subscriber|medicaid|medicare`), IDHealthPlan, Rule{Action: "drop"}},
	{re(`account|acct|iban|creditcard|cardnumber|bankno|routing`), IDAccount, Rule{Action: "drop"}},
	{re(`licen[cs]e|drivers|certificate|passport|^npi|^dea$|^deanumber`), IDLicense, Rule{Action: "drop"}},
	{re(`vehicle|^vin$|plate`), IDVehicle, Rule{Action: "drop"}},
	{re(`device|serial|imei|udid|macaddress`), IDDevice, Rule{Action: "drop"}},
	// N, O
	{re(`url|website|homepage|webpage|link`), IDURL, Rule{Action: "drop"}},
	// P, Q
	{re(`biometric|fingerprint|voiceprint|retina|^iris`), IDBiometric, Rule{Action: "drop"}},
	{re(`photo|image|picture|^face|portrait`), IDPhoto, Rule{Action: "drop"}},
	// A: names of the person, relatives, employers, household members.
	{re(`name|^first$|^last$|^given|^middle|^surname|^family$|maiden|^initials$|mother|father|parent|guardian|spouse|employer|emergencycontact|nextofkin`), IDName, Rule{Action: "drop"}},
	// R: record and person ids are kept linkable through a keyed pseudonym.
	{re(`^id$|identifier|^uuid$|^guid$|(patient|person|student|subject|member|user|learner|pupil|record|encounter)(id|no|number|key)$|^(patient|person|student|subject|user)$|id$|^id(student|patient|person|subject|user|learner|pupil)$`), IDOther, Rule{Action: "pseudonymise"}},
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// normaliseColumn lower-cases a column name and keeps only letters and digits.
func normaliseColumn(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}

	return b.String()
}

// ClassifyColumn returns the safe-harbor identifier and rule for a column
// name, or ok=false when no pattern matches.
func ClassifyColumn(name string) (Identifier, Rule, bool) {
	n := normaliseColumn(name)
	if n == "" {
		return "", Rule{}, false
	}
	for _, c := range safeHarborRules {
		if c.pattern.MatchString(n) {
			return c.identifier, c.rule, true
		}
	}

	return "", Rule{}, false
}

// defaultIdentifier is the audit label for a rule without one.
func defaultIdentifier(action string) Identifier {
	switch action {
	case "zip3":
		return IDZip
	case "date_year", "date_shift":
		return IDDate
	case "age":
		return IDAge
	case "keep":
		return IDNotAnIdent
	case "scrub":
		return IDFreeText
	}

	return IDOther
}
