package submission

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// Options tune a validation run.
type Options struct {
	// MaxRows caps how many records per file are checked against the
	// column dictionary; negative means all (the default). Structure,
	// primary keys and foreign keys are always checked on every record,
	// because a sample cannot prove a key is present.
	MaxRows int
	// Encoding of the tables (tabular.Encodings); "" sniffs a BOM and
	// otherwise expects UTF-8.
	Encoding string
	// IncludeHidden validates dot-files and AppleDouble files as data
	// instead of listing them as ignored.
	IncludeHidden bool
	Config        *Config
	// OmitValues leaves every data value out of the report (examples, the
	// extra fields of ragged records), for runs over raw, identifiable data
	// whose report is shared more widely than the data.
	OmitValues bool
	// Progress, when set, is told about each data file before it is read.
	Progress func(rel string, size int64)
}

// Dataset is where the submission lives.
type Dataset struct {
	Store *runnerio.Store
	Root  runnerio.Location
}

type file struct {
	runnerio.Entry
	table    *Table
	entities map[string]string
	stem     string // name without extension, used for sidecar matching
}

type validator struct {
	ctx     context.Context
	ds      Dataset
	schema  *Schema
	opts    Options
	out     *collector
	sum     Summary
	seed    maphash.Seed
	keySets map[string]map[uint64]struct{} // "table\x00col,col" -> hashed keys
	// partial names, for each table whose keys were not all read, the
	// first file that could not be read in full (unreadable, cut short by
	// a parse error, or with a record that was not decoded or was ragged):
	// references to that table are not checked, since every key not read
	// would be a false orphan.
	partial map[string]string
}

// Validate checks a dataset against a schema and returns the report. An
// error means the run itself failed (the dataset could not be listed or a
// file could not be read), not that the data is invalid.
func Validate(ctx context.Context, ds Dataset, s *Schema, opts Options) (*Report, error) {
	if s.tableIndex == nil {
		if p := s.Check(); len(p) > 0 {
			return nil, &SchemaError{Problems: p}
		}
	}
	v := &validator{ctx: ctx, ds: ds, schema: s, opts: opts, out: newCollector(opts.Config, opts.OmitValues),
		seed: maphash.MakeSeed(), keySets: map[string]map[uint64]struct{}{}, partial: map[string]string{}}
	v.sum.Schema = s.Name
	if s.Version != "" {
		v.sum.Schema += " " + s.Version
	}
	v.sum.TableFiles = map[string]int{}
	entries, err := ds.Store.List(ctx, ds.Root)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", ds.Root, err)
	}
	data, sidecars, desc := v.classify(entries)
	if err := v.checkDescription(desc); err != nil {
		return nil, err
	}
	for _, t := range s.Tables {
		if t.Required && v.sum.TableFiles[t.Name] == 0 {
			v.out.add(Issue{Code: "MISSING_REQUIRED_FILE", Location: "/", SubCode: t.Name, Rule: "tables." + t.Name,
				Message:    fmt.Sprintf("no file matches required table %q (%s)", t.Name, t.describeName()),
				Suggestion: "add the file, or check its name and extension"}, "")
		}
	}
	side, err := v.loadSidecars(sidecars, data)
	if err != nil {
		return nil, err
	}
	order, _ := s.tableOrder()
	for _, t := range order {
		for _, f := range data {
			if f.table != t {
				continue
			}
			if v.opts.Progress != nil {
				v.opts.Progress(f.Rel, f.Size)
			}
			if err := v.checkTable(f, side[f.Rel]); err != nil {
				return nil, err
			}
		}
	}
	r := &Report{Summary: v.sum}
	r.Issues.Issues = v.out.finish(&r.Summary)
	r.Issues.CodeMessages = CodeMessages(r.Issues.Issues)

	return r, nil
}

func (t *Table) describeName() string {
	if t.FileName != "" {
		return "file name " + t.FileName
	}
	ents := make([]string, 0, len(t.RequiredEntities))
	for _, e := range t.RequiredEntities {
		ents = append(ents, e+"-<"+e+">_")
	}

	return "file names like " + strings.Join(ents, "") + t.Suffix + strings.Join(t.extensions(), "|")
}

// classify sorts the listed files into data files (matched to a table),
// sidecars and the dataset description, and reports the rest.
func (v *validator) classify(entries []runnerio.Entry) (data []*file, sidecars []runnerio.Entry, desc *runnerio.Entry) {
	descName := v.schema.DatasetDescription.fileName()
	seen := map[string]string{} // lower-cased path -> first path
	for i := range entries {
		e := entries[i]
		v.sum.TotalFiles++
		v.sum.Size += e.Size
		if first, dup := seen[strings.ToLower(e.Rel)]; dup {
			v.out.add(Issue{Code: "CASE_COLLISION", Location: e.Rel,
				Message:    fmt.Sprintf("differs from %s only in letter case; on macOS and Windows one would overwrite the other", first),
				Suggestion: "rename or remove one of the two files"}, "")
		}
		seen[strings.ToLower(e.Rel)] = e.Rel
		base := path.Base(e.Rel)
		if !v.opts.IncludeHidden {
			if code := hiddenCode(e.Rel); code != "" {
				v.sum.IgnoredFiles++
				v.out.add(Issue{Code: code, Location: e.Rel,
					Message:    "left out of validation: " + hiddenReason(e.Rel),
					Suggestion: "delete it before submitting, or pass --include-hidden to validate it as data"}, "")

				continue
			}
		}
		if v.ignored(e.Rel) {
			v.sum.IgnoredFiles++
			v.out.add(Issue{Code: "FILE_IGNORED", Location: e.Rel, Message: "matches the schema's ignore list"}, "")

			continue
		}
		switch {
		case e.Rel == descName:
			desc = &entries[i]
		case strings.HasSuffix(base, ".json"):
			sidecars = append(sidecars, e)
		case !strings.Contains(e.Rel, "/") && isRootDoc(base):
			// README, LICENSE, CHANGES and CITATION files are documentation.
		default:
			if f := v.match(e); f != nil {
				v.sum.DataFiles++
				v.sum.TableFiles[f.table.Name]++
				data = append(data, f)
			}
		}
	}

	return data, sidecars, desc
}

func hiddenCode(rel string) string {
	for _, seg := range strings.Split(rel, "/") {
		if strings.HasPrefix(seg, "._") {
			return "APPLEDOUBLE_FILE_IGNORED"
		}
		if strings.HasPrefix(seg, ".") {
			return "HIDDEN_FILE_IGNORED"
		}
	}

	return ""
}

func hiddenReason(rel string) string {
	base := path.Base(rel)
	switch {
	case strings.HasPrefix(base, "._"):
		return "a macOS AppleDouble resource-fork file, not data"
	case base == ".DS_Store":
		return "a macOS Finder metadata file, not data"
	case strings.HasPrefix(base, "."):
		return "a hidden file"
	}

	return "inside a hidden folder"
}

func isRootDoc(base string) bool {
	up := strings.ToUpper(strings.TrimSuffix(base, path.Ext(base)))
	switch up {
	case "README", "LICENSE", "LICENCE", "CHANGES", "CHANGELOG", "CITATION", "NOTICE":
		return true
	}

	return false
}

func (v *validator) ignored(rel string) bool {
	for _, g := range v.schema.Ignore {
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
		if ok, _ := path.Match(g, path.Base(rel)); ok {
			return true
		}
	}

	return false
}

// match assigns a data file to a table by exact name or by the entity
// scheme, reporting why a file fits no table.
func (v *validator) match(e runnerio.Entry) *file {
	base := path.Base(e.Rel)
	for i := range v.schema.Tables {
		t := &v.schema.Tables[i]
		if t.FileName != "" && t.FileName == base {
			return &file{Entry: e, table: t, stem: strings.TrimSuffix(base, path.Ext(base))}
		}
	}
	stem, ext, _ := strings.Cut(base, ".")
	ext = "." + ext
	parts := strings.Split(stem, "_")
	suffix := parts[len(parts)-1]
	var cands []*Table
	for i := range v.schema.Tables {
		if t := &v.schema.Tables[i]; t.Suffix != "" && t.Suffix == suffix {
			cands = append(cands, t)
		}
	}
	if len(cands) == 0 {
		v.out.add(Issue{Code: "NOT_INCLUDED", Location: e.Rel,
			Message:    fmt.Sprintf("%q matches no table of schema %s", base, v.schema.Name),
			Suggestion: "rename the file to a name the schema declares, remove it, or add it to the schema's ignore list" + v.closest(base)}, "")

		return nil
	}
	t := cands[0]
	for _, c := range cands {
		if slices.Contains(c.extensions(), ext) {
			t = c
		}
	}
	if !slices.Contains(t.extensions(), ext) {
		v.out.add(Issue{Code: "EXTENSION_MISMATCH", Location: e.Rel, Rule: "tables." + t.Name,
			Message: fmt.Sprintf("extension %q is not allowed for table %q; use %s", ext, t.Name, strings.Join(t.extensions(), " or "))}, "")

		return nil
	}
	ents, ok := v.parseEntities(e.Rel, t, parts[:len(parts)-1])
	if !ok {
		return nil
	}

	return &file{Entry: e, table: t, entities: ents, stem: stem}
}

// closest suggests an exact table file name that differs only in case.
func (v *validator) closest(base string) string {
	for _, t := range v.schema.Tables {
		if t.FileName != "" && strings.EqualFold(t.FileName, base) {
			return fmt.Sprintf(" (did you mean %q?)", t.FileName)
		}
	}

	return ""
}

var (
	labelRE = regexp.MustCompile(`^[0-9a-zA-Z]+$`)
	indexRE = regexp.MustCompile(`^[0-9]+$`)
)

func (v *validator) parseEntities(rel string, t *Table, parts []string) (map[string]string, bool) {
	ents := map[string]string{}
	ok := true
	last := -1
	for _, p := range parts {
		key, val, found := strings.Cut(p, "-")
		if !found || key == "" {
			v.out.add(Issue{Code: "FILENAME_MISMATCH", Location: rel, Rule: "tables." + t.Name,
				Message:    fmt.Sprintf("%q is not a key-value pair", p),
				Suggestion: "name files like " + t.describeName()[len("file names like "):]}, "")

			return nil, false
		}
		idx, declared := v.schema.entityIndex[key]
		allowed := slices.Contains(t.RequiredEntities, key) || slices.Contains(t.OptionalEntities, key)
		if !declared || !allowed {
			v.out.add(Issue{Code: "ENTITY_NOT_IN_RULE", Location: rel, SubCode: key, Rule: "tables." + t.Name,
				Message: fmt.Sprintf("entity %q is not allowed in %s files", key, t.Suffix)}, "")
			ok = false

			continue
		}
		re := labelRE
		if v.schema.Entities[idx].Format == FormatIndex {
			re = indexRE
		}
		if !re.MatchString(val) {
			v.out.add(Issue{Code: "INVALID_ENTITY_LABEL", Location: rel, SubCode: key,
				Message: fmt.Sprintf("%s-%s: %q is not a valid %s", key, val, val, v.schema.Entities[idx].Format)}, val)
			ok = false
		}
		if idx < last {
			v.out.add(Issue{Code: "ENTITY_ORDER_INCORRECT", Location: rel, SubCode: key,
				Message: "entities must appear in the order " + v.entityOrder()}, "")
			ok = false
		}
		last = idx
		ents[key] = val
	}
	for _, r := range t.RequiredEntities {
		if _, has := ents[r]; !has {
			v.out.add(Issue{Code: "MISSING_REQUIRED_ENTITY", Location: rel, SubCode: r, Rule: "tables." + t.Name,
				Message: fmt.Sprintf("%s files must carry the %q entity", t.Suffix, r)}, "")
			ok = false
		}
	}

	return ents, ok
}

func (v *validator) entityOrder() string {
	names := make([]string, len(v.schema.Entities))
	for i, e := range v.schema.Entities {
		names[i] = e.Name
	}

	return strings.Join(names, ", ")
}

// open returns a reader over a dataset file.
func (v *validator) open(e runnerio.Entry) (io.ReadCloser, error) {
	rc, err := v.ds.Store.Open(v.ctx, e.Location)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", e.Rel, err)
	}

	return rc, nil
}

// readJSON reads a small JSON document; a syntax problem is returned as
// the second value (an issue), an I/O problem as the error.
func (v *validator) readJSON(e runnerio.Entry) (map[string]any, string, error) {
	rc, err := v.open(e)
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", e.Rel, err)
	}
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, "not a JSON object: " + err.Error(), nil
	}

	return m, "", nil
}

// checkTable streams one data file through the column dictionary, the
// primary key and the foreign keys.
func (v *validator) checkTable(f *file, sc *sidecar) error {
	rc, err := v.open(f.Entry)
	if err != nil {
		return err
	}
	defer rc.Close()
	if strings.HasSuffix(strings.ToLower(f.Rel), ".parquet") {
		return v.checkParquet(f, rc, sc)
	}
	br := bufio.NewReaderSize(rc, 64*1024)
	var in io.Reader = br
	if !v.checkEncoding(f, br) && bareCR(br) {
		// Classic Mac OS line endings: without this the whole file would
		// parse as one header row and every column would look unknown.
		v.out.add(Issue{Code: "CSV_BARE_CR_LINE_ENDINGS", Location: f.Rel,
			Message:    "lines end with a bare carriage return (classic Mac OS); read as line feeds",
			Suggestion: "save the file with LF or CR LF line endings"}, "")
		in = &crToLF{r: br}
	}
	opts := tabular.CSVOptions{Encoding: v.opts.Encoding}
	if strings.HasSuffix(f.Rel, ".tsv") {
		opts.Comma = '\t'
	}
	r, err := tabular.NewCSVReader(in, opts)
	if err != nil {
		v.fileError(f, err)

		return nil
	}
	plan := v.planColumns(f, r.Header(), v.effectiveColumns(f, sc))
	for {
		if err := v.ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if stop, skip := v.recordError(f, rec, err); stop {
			return nil
		} else if skip {
			continue
		}
		v.checkRow(f, plan, rec, err == nil)
	}

	return nil
}

// checkRow runs one record through the column dictionary (up to the row
// cap) and, when its fields can be trusted to be where the header says,
// the key checks (always).
//
// A record left out of the key checks (ragged here; not decoded, in
// recordError) makes its table's keys partly unknown (readPartly), so no
// reference to the table is judged against them. Primary-key uniqueness is
// still judged over the records that were read: a record left out can hide
// a duplicate but never make one, so every duplicate reported is real, and
// the issue that left the record out already marks the file as not fully
// checked.
func (v *validator) checkRow(f *file, plan *tablePlan, rec tabular.Record, keys bool) {
	v.sum.RowsRead++
	if v.opts.MaxRows < 0 || rec.Number <= v.opts.MaxRows {
		v.sum.RowsChecked++
		plan.checkRecord(v, f, rec)
	} else if rec.Number == v.opts.MaxRows+1 {
		v.out.add(Issue{Code: "ROW_CAP_REACHED", Location: f.Rel, Line: rec.Line, Record: rec.Number,
			Message: fmt.Sprintf("values of records after %d were not checked; keys and structure were", v.opts.MaxRows)}, "")
	}
	if keys {
		plan.checkKeys(v, f, rec)
	}
}

// checkEncoding reports a table that is not UTF-8 (C27: a UTF-16 file is
// an issue with its path, never a crash). The reader still decodes it, so
// the other checks run.
// It reports whether the file is UTF-16 or UTF-32.
func (v *validator) checkEncoding(f *file, br *bufio.Reader) bool {
	if v.opts.Encoding != "" && v.opts.Encoding != tabular.EncodingAuto {
		return strings.HasPrefix(strings.ToLower(v.opts.Encoding), "utf-16")
	}
	head, _ := br.Peek(4)
	var found string
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return true // UTF-32, which the reader refuses and fileError reports
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		found = "UTF-16LE"
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		found = "UTF-16BE"
	default:
		return false
	}
	v.out.add(Issue{Code: "FILE_NOT_UTF8", Location: f.Rel,
		Message:    "must be UTF-8 (found " + found + " BOM)",
		Suggestion: "save the file as UTF-8 (in Excel: CSV UTF-8); the rest of the file was checked after decoding"}, "")

	return true
}

// bareCR reports whether the start of the file has carriage returns and
// no line feed at all.
func bareCR(br *bufio.Reader) bool {
	head, _ := br.Peek(br.Size())

	return bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0
}

// crToLF turns every carriage return into a line feed.
type crToLF struct{ r io.Reader }

func (c *crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range n {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}

	return n, err
}

// readPartly records that the keys of f's table were not all read.
func (v *validator) readPartly(f *file) {
	if _, ok := v.partial[f.table.Name]; !ok {
		v.partial[f.table.Name] = f.Rel
	}
}

// fileError turns a problem opening a table into an issue.
func (v *validator) fileError(f *file, err error) {
	v.readPartly(f)
	var enc *tabular.EncodingError
	var wide *tabular.NotTextError
	switch {
	case errors.As(err, &wide):
		v.out.add(Issue{Code: "FILE_NOT_UTF8", Location: f.Rel, Message: wide.Error(),
			Suggestion: "save the file as UTF-8 (in Excel: CSV UTF-8); the rest of the file was not checked"}, "")
	case errors.As(err, &enc):
		v.out.add(Issue{Code: "INVALID_ENCODING", Location: f.Rel, Line: enc.Line, Message: enc.Error()}, "")
	case errors.Is(err, tabular.ErrNoHeader):
		v.out.add(Issue{Code: "CSV_EMPTY_FILE", Location: f.Rel, Message: "the file is empty; a header row is required"}, "")
	default:
		v.out.add(Issue{Code: "CSV_PARSE_ERROR", Location: f.Rel, Message: err.Error()}, "")
	}
}

// recordError reports a bad record. stop is true when the file cannot be
// read further (the parser cannot resynchronise after a syntax error); skip
// when the record's values cannot be trusted. A ragged record is still
// checked field by field, so its other problems are not hidden, but its
// fields may be shifted (an unquoted delimiter), so not its keys; either
// way the table's keys are not all known.
func (v *validator) recordError(f *file, rec tabular.Record, err error) (stop, skip bool) {
	if err == nil {
		return false, false
	}
	var se *tabular.StructureError
	var enc *tabular.EncodingError
	switch {
	case errors.As(err, &se):
		msg := se.Error()
		if v.opts.OmitValues {
			bare := *se
			bare.Extra = nil
			msg = bare.Error()
		}
		v.out.add(Issue{Code: "CSV_RAGGED_ROW", Location: f.Rel, Line: se.Line, Record: se.Record, Message: msg,
			Suggestion: "quote fields that contain the delimiter, and give every record as many fields as the header"}, "")
		v.readPartly(f)

		return false, false
	case errors.As(err, &enc):
		v.out.add(Issue{Code: "INVALID_ENCODING", Location: f.Rel, Line: enc.Line, Record: rec.Number, Message: enc.Error(),
			Suggestion: "save the file as UTF-8, or give its encoding with --encoding"}, "")
		v.readPartly(f)

		return false, true
	}
	v.out.add(Issue{Code: "CSV_PARSE_ERROR", Location: f.Rel, Message: err.Error(),
		Suggestion: "check the quoting near this position; the rest of the file was not read"}, "")
	v.readPartly(f)

	return true, true
}

// colCheck is a column of the dictionary bound to its position in the file.
type colCheck struct {
	col     *Column
	pos     int
	rule    string
	missing map[string]bool
	// onlyEmptyMissing: the empty string is the only missing-value token.
	onlyEmptyMissing bool
	allowed          map[string]bool // NFKC-normalised
	pattern          *regexp.Regexp
}

type tablePlan struct {
	// nullIsMissing: the format has real nulls (Parquet); nulls[i] says
	// whether field i of the current record is null.
	nullIsMissing bool
	nulls         []bool
	checks        []colCheck
	pk            []int
	fks           []fkPlan
	refs          []refPlan
	pkSeen        map[uint64]struct{}
}

type fkPlan struct {
	fk   ForeignKey
	pos  []int
	keys map[uint64]struct{}
}

type refPlan struct {
	pos  []int
	keys map[uint64]struct{}
}

// planColumns checks the header and binds each dictionary column to its
// position.
func (v *validator) planColumns(f *file, header []string, cols []Column) *tablePlan {
	t := f.table
	pos := map[string]int{}
	for i, h := range header {
		if _, dup := pos[h]; dup {
			v.out.add(Issue{Code: "CSV_COLUMN_HEADER_DUPLICATE", Location: f.Rel, SubCode: h, Line: 1,
				Message: fmt.Sprintf("column %q appears more than once", h)}, "")

			continue
		}
		pos[h] = i
		if t.column(h) != nil || t.AdditionalColumns == AdditionalAllowed {
			continue
		}
		code := "CSV_ADDITIONAL_COLUMN_NOT_ALLOWED"
		if t.AdditionalColumns == AdditionalWarn {
			code = "CSV_ADDITIONAL_COLUMN"
		}
		v.out.add(Issue{Code: code, Location: f.Rel, SubCode: h, Line: 1, Rule: "tables." + t.Name + ".columns",
			Message:    fmt.Sprintf("column %q is not in the dictionary of table %q", h, t.Name),
			Suggestion: v.columnSuggestion(t, h)}, "")
	}
	p := &tablePlan{}
	for i := range cols {
		c := &cols[i]
		at, present := pos[c.Name]
		if !present {
			if c.Required {
				v.out.add(Issue{Code: "CSV_COLUMN_MISSING", Location: f.Rel, SubCode: c.Name, Line: 1,
					Message: fmt.Sprintf("required column %q is missing", c.Name)}, "")
			}

			continue
		}
		p.checks = append(p.checks, v.bindColumn(c, at, fmt.Sprintf("tables.%s.columns.%s", t.Name, c.Name)))
	}
	if len(t.PrimaryKey) > 0 {
		if idx, ok := positions(pos, t.PrimaryKey); ok {
			p.pk = idx
			p.pkSeen = v.keySet("pk\x00" + t.Name) // unique across all files of the table
		}
	}
	for _, fk := range v.schema.ForeignKeys {
		if fk.Table == t.Name && v.referencedInFull(f, fk) {
			if idx, ok := positions(pos, fk.Columns); ok {
				p.fks = append(p.fks, fkPlan{fk: fk, pos: idx, keys: v.keySet(fk.ReferencesTable + "\x00" + strings.Join(fk.ReferencesColumns, ","))})
			}
		}
		if fk.ReferencesTable == t.Name {
			if idx, ok := positions(pos, fk.ReferencesColumns); ok {
				p.refs = append(p.refs, refPlan{pos: idx, keys: v.keySet(t.Name + "\x00" + strings.Join(fk.ReferencesColumns, ","))})
			} else {
				v.readPartly(f) // the referenced key columns are missing here
			}
		}
	}

	return p
}

// referencedInFull reports whether the table fk references was read in
// full; if not, it reports once for f that fk was not checked.
func (v *validator) referencedInFull(f *file, fk ForeignKey) bool {
	from, partly := v.partial[fk.ReferencesTable]
	if !partly {
		return true
	}
	name := fk.Name
	if name == "" {
		name = strings.Join(fk.Columns, ",")
	}
	v.out.add(Issue{Code: "FOREIGN_KEY_NOT_CHECKED", Location: f.Rel, SubCode: name, Rule: "foreign_keys." + name,
		Message: fmt.Sprintf("(%s) was not checked against table %q: %s could not be read in full, so its keys are not all known",
			strings.Join(fk.Columns, ", "), fk.ReferencesTable, from),
		Suggestion: "fix " + from + " first; the references are checked once it can be read"}, "")

	return false
}

func (v *validator) columnSuggestion(t *Table, h string) string {
	trimmed := strings.TrimSpace(h)
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, trimmed) {
			return fmt.Sprintf("did you mean %q?", c.Name)
		}
	}
	if t.AdditionalColumns == AdditionalNotAllowed || t.AdditionalColumns == "" {
		return "remove the column, or add it to the table's column dictionary"
	}

	return "describe the column in the table's column dictionary"
}

func positions(pos map[string]int, names []string) ([]int, bool) {
	out := make([]int, len(names))
	for i, n := range names {
		p, ok := pos[n]
		if !ok {
			return nil, false
		}
		out[i] = p
	}

	return out, true
}

func (v *validator) keySet(name string) map[uint64]struct{} {
	s, ok := v.keySets[name]
	if !ok {
		s = map[uint64]struct{}{}
		v.keySets[name] = s
	}

	return s
}

func (v *validator) bindColumn(c *Column, at int, rule string) colCheck {
	cc := colCheck{col: c, pos: at, rule: rule, missing: map[string]bool{}}
	missing := c.MissingValues
	if missing == nil {
		missing = v.schema.MissingValues
	}
	if missing == nil {
		missing = []string{""}
	}
	for _, m := range missing {
		cc.missing[m] = true
	}
	cc.onlyEmptyMissing = len(cc.missing) == 1 && cc.missing[""]
	if len(c.AllowedValues) > 0 {
		cc.allowed = map[string]bool{}
		for _, a := range c.AllowedValues {
			cc.allowed[norm.NFKC.String(a)] = true
		}
	}
	if c.Pattern != "" {
		cc.pattern = regexp.MustCompile(`^(?:` + c.Pattern + `)$`)
	}

	return cc
}

func (p *tablePlan) checkRecord(v *validator, f *file, rec tabular.Record) {
	for i := range p.checks {
		c := &p.checks[i]
		if c.pos >= len(rec.Fields) {
			continue // a short record, already reported as ragged
		}
		val := rec.Fields[c.pos]
		if p.nullIsMissing && p.nulls[c.pos] {
			if !c.col.IsNullable() {
				v.out.add(Issue{Code: "CSV_VALUE_MISSING", Location: f.Rel, SubCode: c.col.Name, Rule: c.rule,
					Record: rec.Number, Message: fmt.Sprintf("column %q may not be missing (null)", c.col.Name)}, "")
			}

			continue
		}
		if msg, code := c.check(val); code != "" {
			v.out.add(Issue{Code: code, Location: f.Rel, SubCode: c.col.Name, Rule: c.rule,
				Line: rec.Line, Record: rec.Number, Message: msg}, val)
		}
	}
}

// check returns an issue message and code for a bad value, or "", "".
// It parses a numeric value once for both the type and the range check.
func (c *colCheck) check(val string) (string, string) {
	col := c.col
	if c.isMissing(val) {
		if !col.IsNullable() {
			return fmt.Sprintf("column %q may not be missing", col.Name), "CSV_VALUE_MISSING"
		}

		return "", ""
	}
	var n float64
	numericOK := false
	switch col.Type {
	case TypeString:
	case TypeInteger:
		i, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return fmt.Sprintf("column %q: not an integer", col.Name), "CSV_VALUE_INCORRECT_TYPE"
		}
		n, numericOK = float64(i), true
	case TypeNumber:
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprintf("column %q: not a finite number", col.Name), "CSV_VALUE_INCORRECT_TYPE"
		}
		n, numericOK = f, true
	default:
		if why := checkTyped(col.Type, val); why != "" {
			return fmt.Sprintf("column %q: %s", col.Name, why), "CSV_VALUE_INCORRECT_TYPE"
		}
	}
	if c.allowed != nil && !c.allowed[val] && !c.allowed[norm.NFKC.String(val)] {
		return fmt.Sprintf("column %q: value not in the allowed values", col.Name), "CSV_VALUE_NOT_ALLOWED"
	}
	if numericOK && ((col.Minimum != nil && n < *col.Minimum) || (col.Maximum != nil && n > *col.Maximum)) {
		return fmt.Sprintf("column %q: value outside %s", col.Name, rangeText(col)), "CSV_VALUE_OUT_OF_RANGE"
	}
	if c.pattern != nil && !c.pattern.MatchString(val) {
		return fmt.Sprintf("column %q: value does not match %s", col.Name, col.Pattern), "CSV_VALUE_PATTERN_MISMATCH"
	}

	return "", ""
}

// isMissing is on the hot path; most schemas use only the empty string as
// the missing-value token, which needs no map lookup.
func (c *colCheck) isMissing(val string) bool {
	if c.onlyEmptyMissing {
		return val == ""
	}

	return c.missing[val]
}

func rangeText(c *Column) string {
	lo, hi := "-inf", "+inf"
	if c.Minimum != nil {
		lo = fmt.Sprint(*c.Minimum)
	}
	if c.Maximum != nil {
		hi = fmt.Sprint(*c.Maximum)
	}
	s := "[" + lo + ", " + hi + "]"
	if c.Unit != "" {
		s += " " + c.Unit
	}

	return s
}

// hashKey hashes a key tuple; the unit separator keeps ("ab","c") apart
// from ("a","bc"). 64-bit hashes keep a key set at a few bytes per key; at
// a million keys the chance of any collision is about 3e-8.
func (v *validator) hashKey(fields []string, pos []int) (uint64, bool) {
	var h maphash.Hash
	h.SetSeed(v.seed)
	for _, p := range pos {
		if p >= len(fields) {
			return 0, false
		}
		_, _ = h.WriteString(fields[p])
		_ = h.WriteByte(0x1f)
	}

	return h.Sum64(), true
}

// shownKey is a key as the report prints it, built only for an issue.
func shownKey(fields []string, pos []int) string {
	parts := make([]string, len(pos))
	for i, p := range pos {
		parts[i] = fields[p]
	}

	return strings.Join(parts, ",")
}

func (p *tablePlan) checkKeys(v *validator, f *file, rec tabular.Record) {
	if p.pk != nil {
		if h, ok := v.hashKey(rec.Fields, p.pk); ok {
			if _, dup := p.pkSeen[h]; dup {
				v.out.add(Issue{Code: "CSV_INDEX_VALUE_NOT_UNIQUE", Location: f.Rel, SubCode: strings.Join(f.table.PrimaryKey, ","),
					Line: rec.Line, Record: rec.Number, Message: fmt.Sprintf("primary key (%s) repeats an earlier record", strings.Join(f.table.PrimaryKey, ", "))}, shownKey(rec.Fields, p.pk))
			}
			p.pkSeen[h] = struct{}{}
		}
	}
	for _, r := range p.refs {
		if h, ok := v.hashKey(rec.Fields, r.pos); ok {
			r.keys[h] = struct{}{}
		}
	}
	for _, fk := range p.fks {
		h, ok := v.hashKey(rec.Fields, fk.pos)
		if !ok || allEmpty(rec.Fields, fk.pos) {
			continue
		}
		if _, found := fk.keys[h]; !found {
			name := fk.fk.Name
			if name == "" {
				name = strings.Join(fk.fk.Columns, ",")
			}
			v.out.add(Issue{Code: "FOREIGN_KEY_ORPHAN", Location: f.Rel, SubCode: name, Line: rec.Line, Record: rec.Number,
				Rule: "foreign_keys." + name,
				Message: fmt.Sprintf("(%s) not found in table %q (%s)", strings.Join(fk.fk.Columns, ", "),
					fk.fk.ReferencesTable, strings.Join(fk.fk.ReferencesColumns, ", ")),
				Suggestion: "add the missing keys to " + fk.fk.ReferencesTable + " or remove the orphan records"}, shownKey(rec.Fields, fk.pos))
		}
	}
}

// allEmpty reports a key whose every part is empty: a missing reference is
// the column dictionary's business (nullable or not), not an orphan.
func allEmpty(fields []string, pos []int) bool {
	for _, p := range pos {
		if fields[p] != "" {
			return false
		}
	}

	return true
}
