package deid

import (
	"regexp"
	"strings"
	"unicode"
)

// ProfileSafeHarbor is the built-in profile name.
const ProfileSafeHarbor = "safe-harbor"

// classRule maps a column name onto an identifier and the action the
// safe-harbor profile applies. A name is split into lower-case tokens (on
// "_", "-", ".", spaces, camelCase and letter/digit boundaries: "HomePhone",
// "home_tel" and "Counselor Comments" give home+phone, home+tel and
// counselor+comments). A rule matches when token matches one token, when
// last (or lastFn) matches the final token, or when pattern matches the
// tokens joined without separators (so "E-mail", "e_mail" and "EMAIL" are
// all "email"); except, on the tokens joined by single spaces, vetoes the
// rule for names that hold one of its words but mean something else
// ("course_name" is no person's name, "state_fips" no place below a state).
type classRule struct {
	pattern    *regexp.Regexp    // on the joined tokens; nil = unused
	token      *regexp.Regexp    // on each token, anchored; nil = unused
	last       *regexp.Regexp    // on the final token, anchored; nil = unused
	lastFn     func(string) bool // on the final token; nil = unused
	except     *regexp.Regexp    // on the space-joined tokens; nil = unused
	identifier Identifier
	rule       Rule
}

func (c classRule) match(toks []string, joined string) bool {
	if c.except != nil && c.except.MatchString(strings.Join(toks, " ")) {
		return false
	}
	if c.pattern != nil && c.pattern.MatchString(joined) {
		return true
	}
	if c.last != nil && c.last.MatchString(toks[len(toks)-1]) {
		return true
	}
	if c.lastFn != nil && c.lastFn(toks[len(toks)-1]) {
		return true
	}
	if c.token != nil {
		for _, t := range toks {
			if c.token.MatchString(t) {
				return true
			}
		}
	}

	return false
}

// nonPersonNamed lists things whose "name" column names no person: a
// school, course or test name is kept or dropped by default_action like
// any other unclassified column. Employers, organisations, providers and
// users are left out on purpose: their names are identifier A or a login.
const nonPersonNamed = `course|school|module|assessment|assignment|program|programme|class|section|district|campus|` +
	`college|university|institution|department|dept|site|activity|test|exam|quiz|lesson|unit|event|file|table|` +
	`column|field|variable|item|product|drug|medication|facility|building|room|group|team|category|type|status|` +
	`level|grade|term|semester|session|task|resource|skill|standard|competency|project|study|dataset|role|award|` +
	`degree|major|language|plan|region|state|country`

// safeHarborRules is the column classification of the safe-harbor profile,
// first match wins, so specific patterns come before general ones. It is
// documented in docs/resources/deid_policy.md (keep the two in step).
var safeHarborRules = []classRule{
	// Free text may hold any identifier: scrub it. "teacher_notes",
	// "Counselor Comments": a name ending in a free-text word is free text.
	{pattern: re(`^(notes?|comments?|narrative|description|freetext|text|remarks?|observations?|reason|message|body|summary)$`),
		last: re(`^(notes?|comments?|narratives?|remarks?|observations?|freetext|memos?|feedback)$`), identifier: IDFreeText, rule: Rule{Action: "scrub"}},
	// G: SSN before generic numbers, as a token or at a token's edge
	// ("student_ssn", "studentssn"), since "class_nm" and "businessname"
	// hold the letters too.
	{pattern: re(`socialsecurity|socsec`), token: re(`^ssn|ssn$`), identifier: IDSSN, rule: Rule{Action: "drop"}},
	// F ("mailing_address" is a postal address, not an e-mail).
	{pattern: re(`email|^mail$`), identifier: IDEmail, rule: Rule{Action: "drop"}},
	// E before D: "faxphone" is a fax.
	{pattern: re(`fax`), identifier: IDFax, rule: Rule{Action: "drop"}},
	{pattern: re(`phone|telephone|^tel$|mobile|^cell(no|num|number)?$|pager`), token: re(`^(tel|telno|cell|cellphone|mobile|phone)$`), identifier: IDPhone, rule: Rule{Action: "drop"}},
	{pattern: re(`^ip$|ipaddress|ipaddr|^ipv[46]`), token: re(`^(ip|ipv4|ipv6)$`), identifier: IDIP, rule: Rule{Action: "drop"}},
	// B: ZIP generalised (a ZCTA is a ZIP's area), every other unit below
	// a state removed.
	{pattern: re(`^zip|zipcode|postal|postcode|zcta`), token: re(`^(zip|zip5|zip9|zipcode|postcode|postal)$`), identifier: IDZip, rule: Rule{Action: "zip3"}},
	// M and N before addresses: a MAC or web address is no place.
	{pattern: re(`^mac$|macaddr|^hwaddr|hardwareaddr|ethernetaddr|bluetoothaddr|wifiaddr`), last: re(`^mac$`),
		except: re(`^(is|has|uses?|on) mac$`), identifier: IDDevice, rule: Rule{Action: "drop"}},
	{pattern: re(`webaddr|websiteaddr|urladdr`), identifier: IDURL, rule: Rule{Action: "drop"}},
	// Census units are all below a state, FIPS codes too except the
	// two-digit state code; "unit" and "suite" are address parts only
	// beside an address word ("unit_number" is a course unit), and "apt" and
	// "tract" only as whole tokens ("aptitude", "contract").
	{pattern: re(`address|street|^addr|^city$|town|county|precinct|^lat$|latitude|^lon$|^lng$|longitude|geocode|coordinates|` +
		`birthplace|placeofbirth|censustract|censusblock|blockgroup|blkgrp|geoid|fips|neighbou?rhood|pobox|` +
		`housenum|houseno|apartment|(mailing|residential|residence|postal|building|bldg)(unit|suite|ste|apt)`),
		token:  re(`^(addr|city|lat|lon|lng|geo|tract|tractce|blockce|apt|aptno|aptnum)$`),
		except: re(`^(state|st) ?(fips|fp)( ?(code|cd))?$|^fips ?(state|st)( ?(code|cd))?$`), identifier: IDGeo, rule: Rule{Action: "drop"}},
	// C: dates to year (birth dates and years top-coded over 89), the
	// month of birth removed, ages over 89 bucketed.
	{pattern: re(`birthmonth|monthofbirth`), identifier: IDDate, rule: Rule{Action: "drop"}},
	{pattern: re(`birthdate|dateofbirth|^dob$|birthday|^born|birthyear|birthyr|yearofbirth|^yrofbirth|^byear$|yearborn`),
		token: re(`^(dob|birthdate|birthday|yob|birthyear|birthyr)$`), identifier: IDDate, rule: Rule{Action: "date_year", BirthDate: true}},
	{pattern: re(`date|^dt|dt$|time$|timestamp|^(admitted|discharged|died|deceased)|^dod$`), token: re(`^(dt|dod)$`), identifier: IDDate, rule: Rule{Action: "date_year"}},
	{pattern: re(`^age$|^ageyears$|^ageatvisit$|^age`), identifier: IDAge, rule: Rule{Action: "age"}},
	// H, I, J, K, L, M before names ("drivers" is a licence, "plate" a vehicle).
	{pattern: re(`mrn|medicalrecord|chartnumber|chartno`), identifier: IDMRN, rule: Rule{Action: "drop"}},
	{pattern: re(`healthplan|beneficiary|memberid|membernumber|insuranceid|policynumber|subscriber|medicaid|medicare`), identifier: IDHealthPlan, rule: Rule{Action: "drop"}},
	{pattern: re(`account|acct|iban|creditcard|cardnumber|bankno|routing`), identifier: IDAccount, rule: Rule{Action: "drop"}},
	// L before K: "license_plate" is a vehicle; "plate" only as a whole
	// token, so "platelet_count" stays a lab value.
	{pattern: re(`vehicle|^vin$|licen[cs]eplate|numberplate`), token: re(`^(vin|plate|plates|plateno|platenumber)$`),
		identifier: IDVehicle, rule: Rule{Action: "drop"}},
	{pattern: re(`licen[cs]e|drivers|certificate|passport|^npi|^dea$|^deanumber`), identifier: IDLicense, rule: Rule{Action: "drop"}},
	// UDI is the FDA unique device identifier; IMSI, MEID and ICCID name a
	// phone and its SIM.
	{pattern: re(`device|serial|imei|udid|macaddress`), token: re(`^(udi|imsi|meid|iccid)$`), identifier: IDDevice, rule: Rule{Action: "drop"}},
	// N, O
	{pattern: re(`url|website|homepage|webpage|link`), identifier: IDURL, rule: Rule{Action: "drop"}},
	// P, Q
	{pattern: re(`biometric|fingerprint|voiceprint|retina|^iris`), identifier: IDBiometric, rule: Rule{Action: "drop"}},
	{pattern: re(`photo|image|picture|^face|portrait`), identifier: IDPhoto, rule: Rule{Action: "drop"}},
	// A: names of the person, relatives, employers, household members,
	// abbreviated too ("first_nm", "lname"). "given" and "middle" alone or
	// as a name part only ("given_dose", "middle_school" are not names); a
	// middle initial "mi" only after a person word, as "mi" alone is as
	// often Michigan, miles or myocardial infarction.
	{pattern: re(`name|^first$|^last$|^given$|^middle(initial|init|i)?$|^surname|^family$|maiden|^initials?$|(first|last|middle|mid)initials?$|` +
		`mother|father|parent|guardian|spouse|employer|emergencycontact|nextofkin|(student|stu|person|patient|teacher|staff|contact|legal)mi$`),
		token:      re(`^(fname|lname|mname|fnm|lnm|mnm|firstname|lastname|surname|forename|firstnm|lastnm|middlenm|givenname|nickname)$`),
		last:       re(`^(nm|nme)$`),
		except:     re(`(^| )(` + nonPersonNamed + `) ?(name|nm)$|^(name|nm) of (` + nonPersonNamed + `)( |$)`),
		identifier: IDName, rule: Rule{Action: "drop"}},
	// R: record and person ids are kept linkable through a keyed pseudonym.
	// A name ending in "id" is an id unless its last token is an English
	// word ("is_paid", "valid", "financial_aid").
	{pattern: re(`^id$|identifier|^uuid$|^guid$|(patient|person|student|subject|member|user|learner|pupil|record|encounter)(id|no|number|key)$|^(patient|person|student|subject|user)$|^id(student|patient|person|subject|user|learner|pupil)$`),
		lastFn: endsInID, identifier: IDOther, rule: Rule{Action: "pseudonymise"}},
}

// endsInID reports whether a column name's last token ends in "id" as an
// id does ("id", "StudentID", "uid"), rather than as a word does ("paid",
// "valid", "aid"). Without the word list, anything ending in "id" is an id.
func endsInID(t string) bool {
	if !strings.HasSuffix(t, "id") {
		return false
	}
	if t == "id" {
		return true
	}
	l, err := loadLexicon()

	return err != nil || !l.english[t] && t != "covid"
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// columnTokens splits a column name into lower-case tokens of letters or of
// digits: "HomePhone" -> home phone, "IPAddress" -> ip address,
// "emergency_contact_phone" -> emergency contact phone, "zip5" -> zip 5.
func columnTokens(name string) []string {
	var toks []string
	rs := []rune(name)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			toks = append(toks, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)

			continue
		}
		if start >= 0 {
			p := rs[i-1]
			switch {
			case unicode.IsDigit(r) != unicode.IsDigit(p): // zip5, address2
				flush(i)
			case unicode.IsUpper(r) && unicode.IsLower(p): // homePhone
				flush(i)
			case unicode.IsUpper(p) && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1]): // IPAddress
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(rs))

	return toks
}

// ClassifyColumn returns the safe-harbor identifier and rule for a column
// name, or ok=false when no pattern matches.
func ClassifyColumn(name string) (Identifier, Rule, bool) {
	toks := columnTokens(name)
	if len(toks) == 0 {
		return "", Rule{}, false
	}
	joined := strings.Join(toks, "")
	for _, c := range safeHarborRules {
		if c.match(toks, joined) {
			return c.identifier, c.rule, true
		}
	}

	return "", Rule{}, false
}

// columnIdentifier is the audit label of a column no rule labels: what the
// column IS, whatever is done to it. The name classification comes first;
// an action that only fits one kind (zip3, date_year, age, scrub) says the
// rest; anything else is UNCLASSIFIED, never a guess such as ID_NUMBER for
// a dropped GPA column or NONE for a kept student id.
func columnIdentifier(name, action string) Identifier {
	if id, _, ok := ClassifyColumn(name); ok {
		return id
	}
	switch action {
	case "zip3":
		return IDZip
	case "date_year", "date_shift":
		return IDDate
	case "age":
		return IDAge
	case "scrub":
		return IDFreeText
	}

	return IDUnclassified
}
