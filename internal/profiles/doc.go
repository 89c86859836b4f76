// Package profiles owns Samenspel's domain documents (SPEC §1–2): partner profiles,
// tenders, collaboration events and the taxonomy their codes come from, with the
// validation that decides what is a valid document and the readers that turn NDJSON
// and CSV into documents with file:line errors.
//
// It sits below every other package: the coalition engine (internal/match), the
// stores, the API and the commands all speak in these types. It does no I/O of its
// own beyond the io.Reader or io.Writer it is handed, keeps no global state, and never decides who
// may see a field: it only marks which fields are public (Profile.Public).
package profiles
