package deid

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultKeyEnv is the environment variable the runner reads the key from
// when neither the policy nor a flag names another source.
const DefaultKeyEnv = "LAKEHOUSE_DEID_KEY"

// DefaultAgeLabel is the single Safe Harbor category for ages over 89.
const DefaultAgeLabel = "90 or older"

// LoadKey reads the secret key from an environment variable or a file. A key
// file's trailing newline is not part of the key. Errors never contain the key.
func LoadKey(src KeySource) ([]byte, error) {
	var key []byte
	switch {
	case src.File != "":
		b, err := os.ReadFile(src.File)
		if err != nil {
			return nil, fmt.Errorf("reading key file: %w", err)
		}
		key = []byte(strings.TrimRight(string(b), "\r\n"))
	case src.Env != "":
		key = []byte(os.Getenv(src.Env))
		if len(key) == 0 {
			return nil, fmt.Errorf("environment variable %s is empty or unset; it must hold the de-identification key", src.Env)
		}
	default:
		return nil, errors.New("no key source: set --key-env or --key-file, or key.env or key.file in the policy")
	}
	if len(key) < 16 {
		return nil, fmt.Errorf("the de-identification key must be at least 16 bytes, got %d", len(key))
	}

	return key, nil
}

// Pseudonym returns hex(HMAC-SHA-256(key, value)), truncated to length hex
// characters (64 when zero). The same key and value always give the same
// pseudonym, so tables stay joinable; without the key it cannot be reversed
// or recomputed from a guessed value.
func Pseudonym(key []byte, value string, length int) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(value))
	s := hex.EncodeToString(m.Sum(nil))
	if length > 0 && length < len(s) {
		s = s[:length]
	}

	return s
}

// PresidioHash is Presidio's "hash" operator: the hex digest of the UTF-8
// text followed by the salt bytes (not an HMAC). Presidio requires a salt of
// at least 16 bytes when one is given; with a nil salt it draws a random
// 32-byte salt per value, so equal values no longer hash equally.
func PresidioHash(text string, salt []byte, hashType string) (string, error) {
	if salt == nil {
		salt = make([]byte, 32)
		if _, err := rand.Read(salt); err != nil {
			return "", err
		}
	} else if len(salt) < 16 {
		return "", errors.New("hash salt must be at least 16 bytes")
	}
	var h hash.Hash
	switch hashType {
	case "", "sha256":
		h = sha256.New()
	case "sha512":
		h = sha512.New()
	default:
		return "", fmt.Errorf("unknown hash_type %q", hashType)
	}
	h.Write([]byte(text))
	h.Write(salt)

	return hex.EncodeToString(h.Sum(nil)), nil
}

// PresidioEncrypt is Presidio's "encrypt" operator: AES-CBC with PKCS#7
// padding and a random 16-byte IV; the result is URL-safe base64 (with
// padding) of IV followed by the ciphertext. The key is 16, 24 or 32 bytes.
func PresidioEncrypt(key []byte, text string) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("encrypt key must be 16, 24 or 32 bytes, got %d", len(key))
	}
	pad := aes.BlockSize - len(text)%aes.BlockSize
	plain := make([]byte, len(text)+pad)
	copy(plain, text)
	for i := len(text); i < len(plain); i++ {
		plain[i] = byte(pad)
	}
	out := make([]byte, aes.BlockSize+len(plain))
	if _, err := rand.Read(out[:aes.BlockSize]); err != nil {
		return "", err
	}
	cipher.NewCBCEncrypter(block, out[:aes.BlockSize]).CryptBlocks(out[aes.BlockSize:], plain)

	return base64.URLEncoding.EncodeToString(out), nil
}

// PresidioDecrypt reverses PresidioEncrypt (Presidio's deanonymizer "decrypt").
func PresidioDecrypt(key []byte, token string) (string, error) {
	raw, err := base64.URLEncoding.DecodeString(token)
	if err != nil {
		return "", fmt.Errorf("decoding ciphertext: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("decrypt key must be 16, 24 or 32 bytes, got %d", len(key))
	}
	if len(raw) < 2*aes.BlockSize || len(raw)%aes.BlockSize != 0 {
		return "", errors.New("ciphertext has the wrong length")
	}
	plain := make([]byte, len(raw)-aes.BlockSize)
	cipher.NewCBCDecrypter(block, raw[:aes.BlockSize]).CryptBlocks(plain, raw[aes.BlockSize:])
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize {
		return "", errors.New("bad padding")
	}

	return string(plain[:len(plain)-pad]), nil
}

// Mask is Presidio's "mask" operator: replace charsToMask characters (all
// when negative) from the start, or from the end, with maskChar.
func Mask(text string, maskChar rune, charsToMask int, fromEnd bool) string {
	r := []rune(text)
	n := charsToMask
	if n < 0 || n > len(r) {
		n = len(r)
	}
	if fromEnd {
		for i := len(r) - n; i < len(r); i++ {
			r[i] = maskChar
		}
	} else {
		for i := 0; i < n; i++ {
			r[i] = maskChar
		}
	}

	return string(r)
}

// RestrictedZIP3 are the 17 three-digit ZIP prefixes whose areas had 20,000
// people or fewer in the 2000 Census (67 FR 53182, 53233-53234). Safe Harbor
// requires them to be reported as 000.
var RestrictedZIP3 = map[string]bool{
	"036": true, "059": true, "063": true, "102": true, "203": true, "556": true, "692": true,
	"790": true, "821": true, "823": true, "830": true, "831": true, "878": true, "879": true,
	"884": true, "890": true, "893": true,
}

// RestrictedZIP3Source records which Census vintage the list comes from.
const RestrictedZIP3Source = "2000 Census ZCTAs, 67 FR 53182 (2002)"

// ZIP3 generalises a US ZIP code (12345, 12345-6789, 123456789) to its first
// three digits, or 000 for a restricted prefix. A 4-digit value is taken as a
// ZIP whose leading zero a spreadsheet dropped. ok is false for anything else.
func ZIP3(v string) (string, bool) {
	d := strings.TrimSpace(v)
	if i := strings.IndexAny(d, "- "); i >= 0 {
		d = d[:i]
	}
	if !allDigits(d) {
		return "", false
	}
	switch len(d) {
	case 4:
		d = "0" + d
	case 5, 9:
	default:
		return "", false
	}
	p := d[:3]
	if RestrictedZIP3[p] {
		return "000", true
	}

	return p, true
}

// TopCodeAge maps ages over 89 to label; younger ages pass unchanged. A
// fractional age such as 89.5 is over 89 as the rule is written, so it is
// top-coded too.
func TopCodeAge(v, label string) (string, bool) {
	s := strings.TrimSpace(v)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 200 {
		return "", false
	}
	if f > 89 {
		return label, true
	}

	return s, true
}

// dateLayouts are the column date formats the date operators recognise, tried
// in order. A parsed value is re-written in the layout it came in.
var dateLayouts = []string{
	"2006-01-02",
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999Z0700", // Arrow timestamp text
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006/01/02",
	"1/2/2006",
	"01/02/2006",
	"1/2/2006 15:04",
	"1/2/2006 15:04:05",
	"1/2/06",
	"01/02/06",
	"1-2-2006",
	"01-02-2006",
	"02.01.2006",
	"2.1.2006",
	"Jan 2, 2006",
	"January 2, 2006",
	"2 Jan 2006",
	"2 January 2006",
	"02-Jan-2006",
	"20060102",
}

// ParseColumnDate parses a date cell and returns the time and its layout.
func ParseColumnDate(v string) (time.Time, string, bool) {
	s := strings.TrimSpace(v)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, l, true
		}
	}

	return time.Time{}, "", false
}

// shiftDays derives the per-subject offset in [-maxDays, +maxDays] days, never 0,
// from HMAC(key, "date_shift:"+subject); one subject always gets one offset.
func shiftDays(key []byte, subject string, maxDays int) int {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("date_shift:"))
	m.Write([]byte(subject))
	n := binary.BigEndian.Uint64(m.Sum(nil)[:8])
	off := int(n%uint64(2*maxDays)) - maxDays // -maxDays .. maxDays-1
	if off >= 0 {
		off++ // skip 0: every subject moves
	}

	return off
}

// ageAt returns the whole years between birth and ref: one more on each
// birthday, compared by month and day (the day of the year shifts by one
// after 28 February in leap years). A 29 February birthday falls on 28
// February in a year without one, not on 1 March: the earlier day makes the
// person 90 a day sooner, so the top-coding errs towards privacy.
func ageAt(birth, ref time.Time) int {
	age := ref.Year() - birth.Year()
	month, day := birth.Month(), birth.Day()
	if month == time.February && day == 29 && !isLeapYear(ref.Year()) {
		day = 28
	}
	if ref.Month() < month || ref.Month() == month && ref.Day() < day {
		age--
	}

	return age
}

func isLeapYear(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}

	return true
}
