// Package config holds the files an operator reads and edits: the taxonomy of SPEC §1,
// the gazetteer of area names and the shipped example data. They are embedded in the
// binaries so that a fresh machine runs Samenspel with no other file present; parsing
// and validation live in the packages that own the meaning (internal/profiles for
// the taxonomy, internal/gazetteer for the area names).
package config

import "embed"

// Taxonomy is config/taxonomy.yaml as shipped.
//
//go:embed taxonomy.yaml
var Taxonomy []byte

// Examples holds config/examples: profiles, tenders and collaboration events in one
// real municipality (Utrecht, GM0344), used to fill an empty store on first start.
//
//go:embed examples
var Examples embed.FS

// Areas is config/areas.csv: the gazetteer of area names for the example
// municipality Utrecht (GM0344), loaded by internal/gazetteer.
//
//go:embed areas.csv
var Areas []byte
