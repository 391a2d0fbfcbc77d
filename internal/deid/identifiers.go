// Package deid de-identifies tabular data and free text for the runner.
//
// A policy document (see policy.go for its format) names, per column, one
// operator: drop, keep, pseudonymise (keyed HMAC-SHA-256), date_year,
// date_shift, zip3, age, mask, redact, replace, hash and encrypt (the last
// two byte-compatible with Presidio), or scrub (free text). The built-in
// "safe-harbor" profile classifies columns by name onto the 18 HIPAA Safe
// Harbor identifiers of 45 CFR 164.514(b)(2).
//
// Nothing in this package logs or reports a value: audit reports hold counts.
package deid

// Identifier is one of the 18 Safe Harbor identifier kinds (A..R), used as
// the unit of every audit count and as the replacement label in free text.
type Identifier string

// The Safe Harbor identifiers. The letters follow 164.514(b)(2)(i).
const (
	IDName       Identifier = "NAME"        // A
	IDGeo        Identifier = "LOCATION"    // B: street, city, county, ZIP, geocodes
	IDDate       Identifier = "DATE"        // C: date elements other than the year
	IDAge        Identifier = "AGE"         // C: ages over 89
	IDPhone      Identifier = "PHONE"       // D
	IDFax        Identifier = "FAX"         // E
	IDEmail      Identifier = "EMAIL"       // F
	IDSSN        Identifier = "SSN"         // G
	IDMRN        Identifier = "MRN"         // H
	IDHealthPlan Identifier = "HEALTH_PLAN" // I
	IDAccount    Identifier = "ACCOUNT"     // J
	IDLicense    Identifier = "LICENSE"     // K
	IDVehicle    Identifier = "VEHICLE"     // L
	IDDevice     Identifier = "DEVICE"      // M
	IDURL        Identifier = "URL"         // N
	IDIP         Identifier = "IP_ADDRESS"  // O
	IDBiometric  Identifier = "BIOMETRIC"   // P
	IDPhoto      Identifier = "PHOTO"       // Q
	IDOther      Identifier = "ID_NUMBER"   // R: any other unique number or code
	IDZip        Identifier = "ZIP"         // B, kept apart so ZIP3 generalisation can be audited
	IDStreet     Identifier = "ADDRESS"     // B, street addresses in free text
	IDNotAnIdent Identifier = "NONE"        // a column the policy declares safe
	IDFreeText   Identifier = "FREE_TEXT"   // a text column that may hold any identifier
	// IDUnclassified labels, in the audit only, a column that neither a rule
	// nor the name classification says anything about.
	IDUnclassified Identifier = "UNCLASSIFIED"
)

// SafeHarborLetter maps an identifier to its letter in 164.514(b)(2)(i).
var SafeHarborLetter = map[Identifier]string{
	IDName: "A", IDGeo: "B", IDZip: "B", IDStreet: "B", IDDate: "C", IDAge: "C", IDPhone: "D", IDFax: "E",
	IDEmail: "F", IDSSN: "G", IDMRN: "H", IDHealthPlan: "I", IDAccount: "J", IDLicense: "K",
	IDVehicle: "L", IDDevice: "M", IDURL: "N", IDIP: "O", IDBiometric: "P", IDPhoto: "Q", IDOther: "R",
}

// knownIdentifier reports whether s names an identifier a policy may use.
func knownIdentifier(s string) bool {
	if Identifier(s) == IDNotAnIdent || Identifier(s) == IDFreeText {
		return true
	}
	_, ok := SafeHarborLetter[Identifier(s)]

	return ok
}
