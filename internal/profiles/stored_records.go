package profiles

import (
	"errors"
	"time"
)

// ErrNotFound is returned when a profile, tender or token does not exist.
var ErrNotFound = errors.New("profiles: not found")

// ErrConflict is returned when an id (or a token hash) is already taken.
var ErrConflict = errors.New("profiles: already exists")

// ErrChanged is returned by a conditional write when the stored document is no
// longer the version the caller named (an If-Match that no longer matches).
var ErrChanged = errors.New("profiles: changed since")

// Versions are change counters, one per kind of document. Each write bumps its
// kind's counter in the same transaction, in whatever process wrote, so a cache
// that remembers the counters it was filled at knows when it is stale. Counters
// only grow; their values mean nothing else.
type Versions struct {
	// Profiles counts writes of profiles (create, put, upsert, delete).
	Profiles int64
	// Tenders counts writes of tenders, their closing and new expressions of
	// interest (which change the answer to interested_only suggestions).
	Tenders int64
	// Collaborations counts added collaboration events.
	Collaborations int64
	// Index, when profiles are read from a search index that lags the store (the
	// scaled set-up, internal/scaled), is the change up to which that index holds
	// them; 0 otherwise. The store itself never sets it.
	Index int64
}

// TenderRecord is a stored tender with what the store keeps about it.
type TenderRecord struct {
	Tender Tender
	// Owner is who created the tender, as the caller named it; PutTender keeps it.
	Owner string
	// Closed is set by CloseTender: a tender is closed, never deleted.
	Closed bool
	// Created and Updated are the times the caller passed, in UTC.
	Created, Updated time.Time
	// Version identifies this state of the record (tenderVersion): it changes with
	// every write that changes the record, and a conditional write (UpdateTender)
	// compares against it.
	Version string
}

// ErrClosed is a write that a closed tender takes no more: an expression of
// interest.
var ErrClosed = errors.New("profiles: the tender is closed")

// StaleBefore is the cut-off of the weekly marking at now: a profile last written
// or confirmed before it, 12 months before now, is stale. A profile written exactly
// at the cut-off is not yet; the next week's marking takes it. On 29 February the
// cut-off is 1 March of the year before (time.AddDate normalises).
func StaleBefore(now time.Time) time.Time { return now.AddDate(-1, 0, 0) }

// Record is a profile with what the store keeps about it beside its
// document: when it was last written or confirmed, and since when it is stale.
type Record struct {
	// Profile is the whole profile (contact and private included, Stale set).
	Profile Profile
	// Updated is when the profile was last written or confirmed by its owner.
	Updated time.Time
	// StaleSince is when the profile was marked stale; the zero time when it is not.
	StaleSince time.Time
	// Version identifies this state of the record (profileVersion): it changes
	// with every write that changes the record, and a conditional write
	// (UpdateProfile) compares against it.
	Version string
}

// Page sizes of a search.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Query is a profile search (GET /v1/profiles). Every field is optional; the API
// validates the codes, the store only compares them.
type Query struct {
	// Text is matched word by word against name, description and the Dutch and
	// English labels of the instruments and themes: every word must occur as the
	// start of a word, ignoring case and accents ("schuldhulp" finds
	// "Schuldhulpverlening", "eetcafe" finds "Eetcafé"). Words without a letter or
	// digit are ignored; FTS5 syntax in it means nothing.
	Text string
	// Kind, Size, Instrument and Theme match exactly.
	Kind, Size, Instrument, Theme string
	// Area matches profiles with an area that contains it or lies in it.
	Area string
	// Limit is the page size: DefaultLimit when not positive, at most MaxLimit.
	// Offset counts the matches to skip.
	Limit, Offset int
}

// DefaultChangesLimit is how many changes ChangesSince returns when its limit is not
// positive.
const DefaultChangesLimit = 1000

// Change is the last change of one profile.
type Change struct {
	// Seq orders changes: a later write has a larger Seq.
	Seq int64
	// ID is the profile's id.
	ID string
	// Deleted says the profile was deleted and not stored again since.
	Deleted bool
	// Profile is the profile as stored now, whole (contact and private included: the
	// consumer strips what its copy must not hold), with Stale set when it is stale;
	// the zero Profile when Deleted.
	Profile Profile
}

// Seed is the first start's data: the shipped examples, or a municipality's own.
type Seed struct {
	Profiles       []Profile
	Collaborations []Collaboration
	Tenders        []Tender
	// Owner owns the tenders.
	Owner string
}

// StoredTender is a tender as its row holds it: the record, and the document's
// bytes as stored, of which the record's Version is a digest (with the owner,
// the state and the two times in the stored layout).
type StoredTender struct {
	TenderRecord
	Doc []byte
}

// Interest is one expression of interest: a profile in a tender, since Created.
type Interest struct {
	Tender, Profile string
	Created         time.Time
}
