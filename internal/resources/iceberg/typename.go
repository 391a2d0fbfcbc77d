package iceberg

import (
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/customtypes"
)

// TypeNameType is the attribute type of column type spellings: two
// spellings of one Iceberg type ("decimal(9, 2)" and "decimal(9,2)",
// "timestamp with time zone" and "timestamptz") are semantically equal, so
// state keeps the configured spelling and equal types never diff (C12).
type TypeNameType = customtypes.StringType[typeNameEquivalence]

// TypeNameValue is a column type spelling.
type TypeNameValue = customtypes.StringValue[typeNameEquivalence]

// typeNameEquivalence reports whether both spellings name the same type.
type typeNameEquivalence struct{}

func (typeNameEquivalence) TypeName() string            { return "iceberg.TypeNameType" }
func (typeNameEquivalence) Equivalent(a, b string) bool { return catalog.SameTypeName(a, b) }

func typeNameNull() TypeNameValue { return customtypes.NewStringNull[typeNameEquivalence]() }

func typeNameOf(s string) TypeNameValue { return customtypes.NewStringValue[typeNameEquivalence](s) }
