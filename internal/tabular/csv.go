// Package tabular reads the runner's tabular inputs. This file is the text
// layer for CSV and TSV: a decoding step in front of a strict RFC 4180
// parser, so byte-level problems (BOM, UTF-16, latin-1, invalid UTF-8) and
// structural ones (ragged rows) are reported with the record number and the
// physical line, never silently normalised.
//
// Output text is always UTF-8. Go's CSV parser turns CR LF inside a quoted
// field into LF; every other byte of a field is kept.
package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encodings a CSV input may declare. "auto" sniffs a BOM (UTF-8, UTF-16LE,
// UTF-16BE) and otherwise demands valid UTF-8.
const (
	EncodingAuto    = "auto"
	EncodingUTF8    = "utf-8"
	EncodingLatin1  = "latin1"
	EncodingUTF16LE = "utf-16le"
	EncodingUTF16BE = "utf-16be"
)

// canonicalEncoding is the name in Encodings an --encoding value stands
// for, with the spellings people use ("utf8", "latin-1", "ISO-8859-1"), or
// "" for none.
func canonicalEncoding(enc string) string {
	switch strings.ToLower(enc) {
	case "", EncodingAuto:
		return EncodingAuto
	case EncodingUTF8, "utf8":
		return EncodingUTF8
	case EncodingLatin1, "latin-1", "latin_1", "iso-8859-1", "iso8859-1":
		return EncodingLatin1
	case EncodingUTF16LE, "utf16le":
		return EncodingUTF16LE
	case EncodingUTF16BE, "utf16be":
		return EncodingUTF16BE
	}

	return ""
}

// KnownEncoding reports whether enc names an encoding a CSV input may
// declare.
func KnownEncoding(enc string) bool { return canonicalEncoding(enc) != "" }

// Encodings lists the accepted --encoding values.
var Encodings = []string{EncodingAuto, EncodingUTF8, EncodingLatin1, EncodingUTF16LE, EncodingUTF16BE}

// ErrNoHeader is returned for an input without even a header row.
var ErrNoHeader = errors.New("empty input: no header row")

// CSVOptions control parsing.
type CSVOptions struct {
	Comma    rune   // ',' when zero
	Encoding string // EncodingAuto when empty
}

// Record is one data row.
type Record struct {
	Fields []string
	Number int // 1-based data record number; the header is record 0
	Line   int // physical line on which the record starts
}

// StructureError is a record whose field count differs from the header's.
// The reader returns it together with the record so the caller can count it
// and go on, or stop.
type StructureError struct {
	Record, Line int
	Got, Want    int
	Extra        []string
}

func (e *StructureError) Error() string {
	s := fmt.Sprintf("record %d (line %d): %d fields, header has %d", e.Record, e.Line, e.Got, e.Want)
	if len(e.Extra) > 0 {
		quoted := make([]string, len(e.Extra))
		for i, v := range e.Extra {
			quoted[i] = "'" + Printable(v) + "'"
		}
		s += "; extra value " + strings.Join(quoted, ", ")
	}

	return s
}

// EncodingError is text that is not valid in the declared encoding, or a
// NUL byte, which no text table holds in any encoding.
type EncodingError struct {
	Line, Field int
	// Offset is the byte offset of the first bad byte in the input, or -1
	// when the input was transcoded and offsets in it are not known.
	Offset int64
	NUL    bool
}

func (e *EncodingError) Error() string {
	at := fmt.Sprintf("line %d, field %d", e.Line, e.Field)
	if e.Offset >= 0 {
		at += fmt.Sprintf(", byte offset %d", e.Offset)
	}
	if e.NUL {
		return "NUL byte at " + at + "; a text table cannot hold one: re-save the file as UTF-8 text"
	}

	return "invalid UTF-8 at " + at + "; if the file is not UTF-8, give its encoding (for example --encoding latin1)"
}

// NotTextError is an input that as a whole is not text in the encoding it
// is read in: UTF-32 (with its byte-order mark), or UTF-16 or UTF-32
// without a byte-order mark, recognised by where its NUL bytes fall.
type NotTextError struct {
	Guess    string // UTF-16LE, UTF-16BE, UTF-32LE or UTF-32BE
	BOM      bool   // found by its byte-order mark, not guessed
	Declared string // the UTF-16 encoding given, when the guess differs
}

func (e *NotTextError) Error() string {
	if e.BOM {
		return "is " + e.Guess + " (it starts with that byte-order mark), which is not supported: re-save as UTF-8"
	}
	s := "looks like " + e.Guess + " without a byte-order mark"
	if e.Declared != "" {
		s += ", not " + e.Declared + " as given"
	}
	s += ": re-save as UTF-8"
	if strings.HasPrefix(e.Guess, "UTF-16") {
		s += ", or give --encoding " + strings.ToLower(e.Guess)
	}

	return s
}

// CSVReader streams records from a CSV or TSV input.
type CSVReader struct {
	csv      *csv.Reader
	lines    *lineIndex
	header   []string
	n        int
	strict   bool // validate UTF-8 (input not transcoded)
	nextLine int  // line the next record should start on
	pending  int  // blank lines still to return as empty one-column records
	pendAt   int  // line of the first pending blank line
	held     *heldRecord
	blank    int
}

// heldRecord is a record read ahead while blank lines before it are
// returned first.
type heldRecord struct {
	rec Record
	err error
}

// NewCSVReader reads the header and returns a reader positioned at the
// first data record.
func NewCSVReader(r io.Reader, opts CSVOptions) (*CSVReader, error) {
	decoded, strict, err := decode(r, opts.Encoding)
	if err != nil {
		return nil, err
	}
	li := &lineIndex{r: decoded, starts: map[int]int64{1: 0}, line: 1}
	c := csv.NewReader(li)
	c.Comma = ','
	if opts.Comma != 0 {
		c.Comma = opts.Comma
	}
	c.FieldsPerRecord = -1 // ragged rows are reported by us, with context
	c.ReuseRecord = false
	cr := &CSVReader{csv: c, lines: li, strict: strict}
	header, err := c.Read()
	if errors.Is(err, io.EOF) {
		return nil, ErrNoHeader
	}
	if err != nil {
		return nil, parseError(err)
	}
	if err := cr.checkText(header); err != nil {
		return nil, err
	}
	cr.header = header
	cr.nextLine = cr.endLine(header) + 1

	return cr, nil
}

// BlankLines counts the empty lines skipped between records of a file with
// several columns. In a one-column file an empty line is an empty value and
// is returned as a record.
func (r *CSVReader) BlankLines() int { return r.blank }

// endLine is the physical line on which the record just read ends.
func (r *CSVReader) endLine(fields []string) int {
	last := len(fields) - 1
	line, _ := r.csv.FieldPos(last)

	return line + strings.Count(fields[last], "\n")
}

// Header returns the column names, BOM removed.
func (r *CSVReader) Header() []string { return r.header }

// Read returns the next record. A ragged record comes back with a
// *StructureError; io.EOF ends the input.
//
// Go's CSV parser skips empty lines. In a one-column file an empty line is
// an empty value, so the gap in line numbers is turned back into records.
func (r *CSVReader) Read() (Record, error) {
	if r.pending > 0 {
		r.pending--
		r.n++
		rec := Record{Fields: []string{""}, Number: r.n, Line: r.pendAt}
		r.pendAt++

		return rec, nil
	}
	if r.held != nil {
		h := r.held
		r.held = nil
		r.n++
		h.rec.Number = r.n
		if se, ok := h.err.(*StructureError); ok { //nolint:errorlint // our own concrete type, never wrapped here
			se.Record = r.n
		}

		return h.rec, h.err
	}
	rec, err := r.next()
	if err != nil {
		return rec, err
	}
	if gap := rec.Line - r.nextLine; gap > 0 {
		if len(r.header) == 1 {
			r.pending, r.pendAt = gap, r.nextLine
			r.held = &heldRecord{rec: rec}
			r.held.err = r.finish(&r.held.rec)
			r.nextLine = r.endLine(rec.Fields) + 1

			return r.Read()
		}
		r.blank += gap
	}
	r.nextLine = r.endLine(rec.Fields) + 1
	r.n++
	rec.Number = r.n

	return rec, r.finish(&rec)
}

// next reads one physical record from the parser.
func (r *CSVReader) next() (Record, error) {
	fields, err := r.csv.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}

		return Record{}, parseError(err)
	}
	line, _ := r.csv.FieldPos(0)
	r.lines.forget(line)

	return Record{Fields: fields, Line: line}, nil
}

// finish checks a record's encoding and shape; the record's Number must be
// set by the caller before the error is read.
func (r *CSVReader) finish(rec *Record) error {
	if err := r.checkText(rec.Fields); err != nil {
		return err
	}
	if len(rec.Fields) != len(r.header) {
		se := &StructureError{Record: rec.Number, Line: rec.Line, Got: len(rec.Fields), Want: len(r.header)}
		if len(rec.Fields) > len(r.header) {
			se.Extra = rec.Fields[len(r.header):]
		}

		return se
	}

	return nil
}

// checkText finds the first NUL byte or, in input that was not transcoded,
// the first invalid UTF-8 sequence. A NUL is checked in every encoding: a
// transcoded NUL is as much a sign of a misread file as a raw one, and
// downstream stores (PostgreSQL text among them) refuse it.
func (r *CSVReader) checkText(fields []string) error {
	for i, f := range fields {
		bad := strings.IndexByte(f, 0)
		nul := bad >= 0
		if r.strict && !utf8.ValidString(f) {
			if inv := invalidAt(f); !nul || inv < bad {
				bad, nul = inv, false
			}
		}
		if bad < 0 {
			continue
		}
		line, col := r.csv.FieldPos(i)
		offset := int64(-1)
		if r.strict {
			offset = r.lines.offset(line) + int64(col-1) + int64(bad)
		}

		return &EncodingError{Line: line, Field: i + 1, Offset: offset, NUL: nul}
	}

	return nil
}

// invalidAt is the index of the first invalid UTF-8 sequence in f.
func invalidAt(f string) int {
	bad := 0
	for bad < len(f) {
		ru, size := utf8.DecodeRuneInString(f[bad:])
		if ru == utf8.RuneError && size <= 1 {
			break
		}
		bad += size
	}

	return bad
}

func parseError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d, column %d: %w", pe.Line, pe.Column, pe.Err)
	}

	return err
}

// decode returns UTF-8 text and whether it still needs UTF-8 validation.
// A byte-order mark is authoritative: it wins over a declared encoding, so a
// UTF-8 file saved by Excel reads right even when --encoding latin1 was
// given for the files that have no BOM.
func decode(r io.Reader, enc string) (io.Reader, bool, error) {
	br := bufio.NewReaderSize(r, 64*1024)
	head, _ := br.Peek(sniffBytes)
	switch {
	// UTF-32LE's mark begins with UTF-16LE's, so it is tested first.
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}):
		return nil, false, &NotTextError{Guess: "UTF-32LE", BOM: true}
	case bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return nil, false, &NotTextError{Guess: "UTF-32BE", BOM: true}
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)

		return br, true, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transcode(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)), false, nil
	}
	canon := canonicalEncoding(enc)
	if guess := sniffWide(head); guess != "" && canon != "" && !strings.EqualFold(guess, canon) {
		nt := &NotTextError{Guess: guess}
		if canon == EncodingUTF16LE || canon == EncodingUTF16BE {
			nt.Declared = canon
		}

		return nil, false, nt
	}
	switch canon {
	case EncodingAuto, EncodingUTF8:
		return br, true, nil
	case EncodingLatin1:
		return transcode(br, charmap.ISO8859_1), false, nil
	case EncodingUTF16LE:
		return transcode(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)), false, nil
	case EncodingUTF16BE:
		return transcode(br, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)), false, nil
	}

	return nil, false, fmt.Errorf("unknown encoding %q; use one of %s", enc, strings.Join(Encodings, ", "))
}

// sniffBytes is how much of the input sniffWide looks at.
const sniffBytes = 4096

// sniffWide guesses UTF-16 or UTF-32 without a byte-order mark from where
// NUL bytes fall in the head of the input, the heuristic of file(1) and the
// chardet family: a table's text is mostly digits, delimiters and line
// ends, whose code units in those encodings have zero high bytes, while
// UTF-8 and latin-1 text holds no NUL at all. Scattered NULs fit no
// pattern and are left to checkText, which reports them where they are.
func sniffWide(head []byte) string {
	var zeros [4]int
	for i, b := range head {
		if b == 0 {
			zeros[i%4]++
		}
	}
	// UTF-32: the top byte of every code unit is zero, the next one of
	// every BMP character, the low byte seldom.
	if quads := len(head) / 4; quads >= 2 {
		switch {
		case zeros[3]*8 >= quads*7 && zeros[2]*2 >= quads && zeros[0]*4 <= quads:
			return "UTF-32LE"
		case zeros[0]*8 >= quads*7 && zeros[1]*2 >= quads && zeros[3]*4 <= quads:
			return "UTF-32BE"
		}
	}
	even, odd := zeros[0]+zeros[2], zeros[1]+zeros[3]
	pairs := len(head) / 2
	switch {
	case odd >= 2 && odd*8 >= pairs && even*8 <= odd:
		return "UTF-16LE"
	case even >= 2 && even*8 >= pairs && odd*8 <= even:
		return "UTF-16BE"
	}

	return ""
}

func transcode(r io.Reader, e encoding.Encoding) io.Reader {
	// The UTF-16 decoders drop their BOM themselves; the result may still
	// begin with U+FEFF when a UTF-8 BOM was transcoded, which we strip.
	return &bomStripper{r: transform.NewReader(r, e.NewDecoder())}
}

type bomStripper struct {
	r    io.Reader
	done bool
}

func (b *bomStripper) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if !b.done && n > 0 {
		b.done = true
		if bytes.HasPrefix(p[:n], []byte("\uFEFF")) {
			copy(p, p[3:n])
			n -= 3
		}
	}

	return n, err
}

// lineIndex remembers the byte offset at which each physical line starts,
// for the lines the parser has not finished with yet.
type lineIndex struct {
	r      io.Reader
	pos    int64
	line   int
	starts map[int]int64
}

func (l *lineIndex) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := range n {
		if p[i] == '\n' {
			l.line++
			l.starts[l.line] = l.pos + int64(i) + 1
		}
	}
	l.pos += int64(n)

	return n, err
}

func (l *lineIndex) offset(line int) int64 { return l.starts[line] }

// forget drops lines before the given one; the parser never goes back.
func (l *lineIndex) forget(before int) {
	if len(l.starts) < 1024 {
		return
	}
	for k := range l.starts {
		if k < before {
			delete(l.starts, k)
		}
	}
}
