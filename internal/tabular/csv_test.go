package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
)

func readAll(t *testing.T, data []byte, opts CSVOptions) ([]string, []Record, []error) {
	t.Helper()
	r, err := NewCSVReader(bytes.NewReader(data), opts)
	if err != nil {
		return nil, nil, []error{err}
	}
	var recs []Record
	var errs []error
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, err)
		}
		recs = append(recs, rec)
		var se *StructureError
		if err != nil && !errors.As(err, &se) {
			break
		}
	}

	return r.Header(), recs, errs
}

// C34: a UTF-8 BOM before a quoted first header must not stick to the name.
func TestCSV_BOMBeforeQuotedHeader(t *testing.T) {
	h, recs, errs := readAll(t, []byte("\xEF\xBB\xBF\"id\",name\n1,Ana\n"), CSVOptions{})
	if len(errs) > 0 || h[0] != "id" || recs[0].Fields[1] != "Ana" {
		t.Fatalf("header %q, records %v, errors %v", h, recs, errs)
	}
}

// C34: latin-1 bytes are an error with a position, and decode when declared.
func TestCSV_Latin1(t *testing.T) {
	data := []byte("id,city\n1,M\xFCnchen\n")
	_, _, errs := readAll(t, data, CSVOptions{})
	if len(errs) != 1 || errs[0].Error() != "invalid UTF-8 at line 2, field 2, byte offset 11; if the file is not UTF-8, give its encoding (for example --encoding latin1)" {
		t.Fatalf("errors %v", errs)
	}
	_, recs, errs := readAll(t, data, CSVOptions{Encoding: EncodingLatin1})
	if len(errs) > 0 || recs[0].Fields[1] != "München" {
		t.Fatalf("records %v errors %v", recs, errs)
	}
}

// C34: UTF-16 detected from its BOM.
func TestCSV_UTF16BOM(t *testing.T) {
	for _, data := range [][]byte{
		{0xFF, 0xFE, 'i', 0, 'd', 0, '\n', 0, '1', 0, '\n', 0},
		{0xFE, 0xFF, 0, 'i', 0, 'd', 0, '\n', 0, '1', 0, '\n'},
	} {
		h, recs, errs := readAll(t, data, CSVOptions{})
		if len(errs) > 0 || len(h) != 1 || h[0] != "id" || len(recs) != 1 || recs[0].Fields[0] != "1" {
			t.Fatalf("header %q records %v errors %v", h, recs, errs)
		}
	}
}

// C34: a multibyte character straddling the 64 KiB read boundary parses.
func TestCSV_SplitMultibyte(t *testing.T) {
	prefix := "id,text\n1,"
	filler := strings.Repeat("a", 65536-len(prefix)-1)
	data := []byte(prefix + filler + "é\n")
	_, recs, errs := readAll(t, data, CSVOptions{})
	if len(errs) > 0 || !strings.HasSuffix(recs[0].Fields[1], "é") {
		t.Fatalf("errors %v", errs)
	}
}

// C35: ragged rows are reported with record and physical line numbers;
// quoted newlines do not confuse the count.
func TestCSV_RaggedAndQuotedNewlines(t *testing.T) {
	data := "id,note,amount\n1,\"first line\nsecond line\",10\n2,ok\n3,\"has \"\"quotes\"\"\",7,EXTRA\n4,\"\",5\n5,\"crlf inside\r\nquoted\",6\n"
	_, recs, errs := readAll(t, []byte(data), CSVOptions{})
	want := []string{
		"record 2 (line 4): 2 fields, header has 3",
		"record 3 (line 5): 4 fields, header has 3; extra value 'EXTRA'",
	}
	if len(errs) != 2 || errs[0].Error() != want[0] || errs[1].Error() != want[1] {
		t.Fatalf("errors %v", errs)
	}
	if recs[0].Line != 2 || recs[0].Fields[1] != "first line\nsecond line" {
		t.Fatalf("record 1: %+v", recs[0])
	}
	if recs[2].Fields[1] != `has "quotes"` || recs[4].Line != 7 {
		t.Fatalf("records %+v", recs)
	}
	// Documented: CR LF inside a quoted field becomes LF.
	if recs[4].Fields[1] != "crlf inside\nquoted" {
		t.Fatalf("record 5: %q", recs[4].Fields[1])
	}
}

func TestCSV_CRLFAndTSV(t *testing.T) {
	h, recs, errs := readAll(t, []byte("a\tb\r\n1\t2\r\n"), CSVOptions{Comma: '\t'})
	if len(errs) > 0 || h[1] != "b" || recs[0].Fields[1] != "2" {
		t.Fatalf("header %q records %v errors %v", h, recs, errs)
	}
}

func TestCSV_Empty(t *testing.T) {
	if _, err := NewCSVReader(strings.NewReader(""), CSVOptions{}); err == nil {
		t.Fatal("empty input accepted")
	}
	if _, err := NewCSVReader(strings.NewReader("a\n"), CSVOptions{Encoding: "ebcdic"}); err == nil {
		t.Fatal("unknown encoding accepted")
	}
}

// An empty line in a one-column file is an empty value, not nothing: Go's
// parser skips it, the reader gives it back with its line number.
func TestCSV_OneColumnEmptyValues(t *testing.T) {
	_, recs, errs := readAll(t, []byte("code\nA\n\n\nB\n\"multi\nline\"\n\nC\n"), CSVOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d@%d=%q", r.Number, r.Line, r.Fields[0]))
	}
	want := `1@2="A" 2@3="" 3@4="" 4@5="B" 5@6="multi\nline" 6@8="" 7@9="C"`
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

// In a file of several columns empty lines are skipped but counted, and
// record numbers stay consecutive.
func TestCSV_BlankLinesCounted(t *testing.T) {
	r, err := NewCSVReader(strings.NewReader("a,b\n1,2\n\n3,4\n\n"), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		nums = append(nums, rec.Number, rec.Line)
	}
	if fmt.Sprint(nums) != "[1 2 2 4]" || r.BlankLines() != 1 {
		t.Fatalf("records %v, blank lines %d", nums, r.BlankLines())
	}
}

// A byte-order mark wins over a declared encoding: an Excel "CSV UTF-8"
// file read with --encoding latin1 keeps its header and its accents.
func TestCSV_BOMWinsOverDeclaredEncoding(t *testing.T) {
	h, recs, errs := readAll(t, []byte("\xEF\xBB\xBFstudent_id,city\n1,München\n"), CSVOptions{Encoding: EncodingLatin1})
	if len(errs) > 0 || h[0] != "student_id" || recs[0].Fields[1] != "München" {
		t.Fatalf("header %q records %v errors %v", h, recs, errs)
	}
	h, _, errs = readAll(t, []byte{0xFF, 0xFE, 'i', 0, 'd', 0, '\n', 0, '1', 0, '\n', 0}, CSVOptions{Encoding: EncodingLatin1})
	if len(errs) > 0 || h[0] != "id" {
		t.Fatalf("UTF-16 with latin1 declared: header %q errors %v", h, errs)
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}

	return out
}

// UTF-16 without a byte-order mark (Excel's "Unicode Text", iconv -t
// utf-16le) is recognised by its NUL bytes in alternate positions and
// refused once, with the guess, instead of parsing into columns such as
// "c\x00o\x00d\x00e". A declared encoding other than the one found does not
// hide it either.
func TestCSV_UTF16WithoutBOM(t *testing.T) {
	text := "code_module,code_presentation\nAAA,2013J\n"
	for _, c := range []struct {
		data     []byte
		enc      string
		guess    string
		contains string
	}{
		{utf16Bytes(text, false), "", "UTF-16LE", "looks like UTF-16LE without a byte-order mark: re-save as UTF-8, or give --encoding utf-16le"},
		{utf16Bytes(text, true), "", "UTF-16BE", "looks like UTF-16BE without a byte-order mark: re-save as UTF-8, or give --encoding utf-16be"},
		{utf16Bytes(text, false), EncodingLatin1, "UTF-16LE", "looks like UTF-16LE without a byte-order mark"},
		{utf16Bytes(text, false), EncodingUTF8, "UTF-16LE", "looks like UTF-16LE without a byte-order mark"},
		{utf16Bytes(text, true), EncodingUTF16LE, "UTF-16BE", "looks like UTF-16BE without a byte-order mark, not utf-16le as given"},
		{utf16Bytes("é,ü\n1,2\n", false), "", "UTF-16LE", "UTF-16LE"},
	} {
		_, err := NewCSVReader(bytes.NewReader(c.data), CSVOptions{Encoding: c.enc})
		var nt *NotTextError
		if !errors.As(err, &nt) || nt.Guess != c.guess || !strings.Contains(err.Error(), c.contains) {
			t.Errorf("encoding %q: error %v, want %s containing %q", c.enc, err, c.guess, c.contains)
		}
	}
	// Declared, it reads.
	for _, c := range []struct {
		enc string
		be  bool
	}{{EncodingUTF16LE, false}, {EncodingUTF16BE, true}} {
		h, recs, errs := readAll(t, utf16Bytes(text, c.be), CSVOptions{Encoding: c.enc})
		if len(errs) > 0 || h[0] != "code_module" || recs[0].Fields[1] != "2013J" {
			t.Errorf("%s declared: header %q records %v errors %v", c.enc, h, recs, errs)
		}
	}
}

// UTF-32, with or without its byte-order mark, is refused by name; its
// little-endian BOM starts like UTF-16LE's and must not be read as one.
func TestCSV_UTF32(t *testing.T) {
	le := func(s string) []byte {
		var out []byte
		for _, r := range s {
			out = append(out, byte(r), byte(r>>8), byte(r>>16), 0)
		}
		return out
	}
	be := func(s string) []byte {
		var out []byte
		for _, r := range s {
			out = append(out, 0, byte(r>>16), byte(r>>8), byte(r))
		}
		return out
	}
	for _, c := range []struct {
		data []byte
		want string
	}{
		{le("\uFEFFid,name\n1,Ana\n"), "is UTF-32LE (it starts with that byte-order mark)"},
		{be("\uFEFFid,name\n1,Ana\n"), "is UTF-32BE (it starts with that byte-order mark)"},
		{le("id,name\n1,Ana\n"), "looks like UTF-32LE without a byte-order mark: re-save as UTF-8"},
		{be("id,name\n1,Ana\n"), "looks like UTF-32BE without a byte-order mark: re-save as UTF-8"},
	} {
		_, err := NewCSVReader(bytes.NewReader(c.data), CSVOptions{})
		var nt *NotTextError
		if !errors.As(err, &nt) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// A NUL byte that is not part of a wide encoding is still no text: an
// error at its line and field in every encoding, never a value.
func TestCSV_NULByte(t *testing.T) {
	_, _, errs := readAll(t, []byte("id,name\n1,An\x00a\n"), CSVOptions{})
	var ee *EncodingError
	if len(errs) != 1 || !errors.As(errs[0], &ee) ||
		errs[0].Error() != "NUL byte at line 2, field 2, byte offset 12; a text table cannot hold one: re-save the file as UTF-8 text" {
		t.Fatalf("errors %v", errs)
	}
	_, _, errs = readAll(t, []byte("id,name\n1,An\x00a\n"), CSVOptions{Encoding: EncodingLatin1})
	if len(errs) != 1 || errs[0].Error() != "NUL byte at line 2, field 2; a text table cannot hold one: re-save the file as UTF-8 text" {
		t.Fatalf("latin1: errors %v", errs)
	}
	if _, err := NewCSVReader(strings.NewReader("id,na\x00me\n1,2\n"), CSVOptions{}); !errors.As(err, &ee) || ee.Line != 1 {
		t.Fatalf("NUL in the header: %v", err)
	}
	// Past the sniffed head, in a file that is otherwise plain UTF-8.
	long := "id,text\n" + strings.Repeat("1,abcdefghij\n", 1000) + "2,x\x00y\n"
	_, recs, errs := readAll(t, []byte(long), CSVOptions{})
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "NUL byte at line 1002, field 2") || len(recs) != 1001 {
		t.Fatalf("records %d errors %v", len(recs), errs)
	}
}
