package dremio

import (
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/customtypes"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
)

// SQLType is a string attribute holding Dremio SQL. Two values are equal
// when dremio.NormalizeSQL maps them to the same text, so the server's
// reformatting of a view never shows as a change.
type SQLType = customtypes.StringType[sqlEquivalence]

// SQLValue is a value of SQLType.
type SQLValue = customtypes.StringValue[sqlEquivalence]

// NewSQLValue wraps a string.
func NewSQLValue(s string) SQLValue { return customtypes.NewStringValue[sqlEquivalence](s) }

// sqlEquivalence compares normalised SQL.
type sqlEquivalence struct{}

func (sqlEquivalence) TypeName() string            { return "dremio.SQLType" }
func (sqlEquivalence) Equivalent(a, b string) bool { return dremio.SQLEquivalent(a, b) }
