// Package gazetteer knows the names of areas: for each municipality an operator
// loads, its code, its districts (wijken) and neighbourhoods (buurten), each with a
// name and the area it lies in. Pages show areas by name ("Zuilen, Noordwest")
// instead of CBS codes, and their pickers search by name.
//
// It owns the gazetteer's CSV format (Load, documented there and in the README),
// the shipped one for the example municipality Utrecht (Default, config/areas.csv),
// and SPEC §2's rule on codes inside a loaded municipality: such a code must be in
// the gazetteer (CheckAreas, which makes a *Gazetteer a profiles.AreaRegister, so
// that a taxonomy WithAreas refuses it as one of a document's field errors).
//
// It sits beside internal/profiles, whose area codes it names, and below the API,
// the pages and the commands, which load one Gazetteer at start and share it. It
// never invents or changes a code and never decides containment, which the
// digits of the codes decide (profiles.AreaContains); it only checks that a file
// agrees with them. It does no I/O but reading the reader it is given (and Open's
// one file), keeps no global state, and a Gazetteer never changes once loaded, so
// it is safe for concurrent use. Place names are the same in every language; only
// the country, NL, has a name per language (Label).
package gazetteer
