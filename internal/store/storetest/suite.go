// Package storetest is the shared test suites of the stores. Run is the suite of the
// profile index (Index): the embedded store, PostgreSQL and the Meilisearch
// store must give the same candidates and the same search answers for the same
// profiles. Each implementation's tests call Run with a function that opens an
// empty index. Beside Run, the suites Tenders, Tokens, Registrations, Suggestions,
// Awards, Ideas and Bumps pin the rest of the store's contract for the embedded
// store and PostgreSQL alike, each over a small interface of the methods it calls.
//
// It only reads and writes through Subject; it never assumes which implementation it
// is testing. What it checks is the contract of Index: the candidates of SPEC
// §3 by id, leaving out stale profiles (not written or confirmed for 12 months)
// until they are confirmed or written again, and the public profile search of
// GET /v1/profiles (every word a prefix, accents and case ignored, Dutch and English
// labels, the filters, paging, names ranked above labels, stale profiles found too,
// and never a contact or private field). Tests of how one
// implementation gets there (the SQLite FTS expression, re-indexing labels when the
// taxonomy changes) stay with that implementation.
//
// Profile and Tender, the suite's fixtures, are the store's own tests' too, and
// OpenEmbedded opens the embedded store for the tests of the packages that keep
// records in one.
package storetest

import (
	"context"
	"testing"

	"samenspel/internal/profiles"
)

// Index is the profile index the suite checks: a tender's candidates and the
// public profile search (as scaled.Index and suggest read them).
type Index interface {
	Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error)
	SearchProfiles(ctx context.Context, q profiles.Query) (hits []profiles.Profile, total int, err error)
}

// Subject is one empty profile index under test, with the writes the suite needs.
// Put upserts profiles by id and Delete removes one; both return once the change is
// visible to Index (an implementation with asynchronous writes waits for them).
//
// MarkStale marks stored profiles stale, as the weekly job does (store.MarkStale),
// and Confirm makes them current again, as their owner does (store.ConfirmProfile);
// both return once Index sees it. A copy of the store's profiles (the search index)
// learns both as the sync brings it the changed profiles with profiles.Profile.Stale
// set. They are optional: without both, the staleness subtests are skipped.
type Subject struct {
	Index  Index
	Put    func(ctx context.Context, ps []profiles.Profile) error
	Delete func(ctx context.Context, id string) error

	MarkStale func(ctx context.Context, ids []string) error
	Confirm   func(ctx context.Context, ids []string) error
}

// Run runs the suite. open is called once per subtest and must return an empty index.
func Run(t *testing.T, open func(t *testing.T) Subject) {
	t.Helper()
	t.Run("CandidatesOfEmptyIndex", func(t *testing.T) {
		s := open(t)
		got, err := s.Index.Candidates(context.Background(), profiles.Tender{ID: "t",
			Area: []string{"GM0344"}, Needs: []profiles.Need{{Instrument: "meals", Weight: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Fatalf("Candidates of an empty index = %d profiles, want none", len(got))
		}
	})
	t.Run("CandidatesAreaOverlap", func(t *testing.T) { candidatesAreaOverlap(t, open(t)) })
	t.Run("CandidatesInstrumentsAndExclude", func(t *testing.T) { candidatesInstrumentsAndExclude(t, open(t)) })
	t.Run("CandidatesMatchBruteForce", func(t *testing.T) { candidatesMatchBruteForce(t, open(t)) })
	t.Run("CandidatesFollowWrites", func(t *testing.T) { candidatesFollowWrites(t, open(t)) })
	t.Run("SearchEmptyIndex", func(t *testing.T) { searchEmptyIndex(t, open(t)) })
	t.Run("Search", func(t *testing.T) { search(t, open(t)) })
	t.Run("SearchNeverShowsContactOrPrivate", func(t *testing.T) { searchNeverShowsContactOrPrivate(t, open(t)) })
	t.Run("SearchRanksNameAboveLabel", func(t *testing.T) { searchRanksNameAboveLabel(t, open(t)) })
	t.Run("SearchPaging", func(t *testing.T) { searchPaging(t, open(t)) })
	t.Run("SearchFollowsWrites", func(t *testing.T) { searchFollowsWrites(t, open(t)) })
	t.Run("CandidatesLeaveOutStale", func(t *testing.T) { candidatesLeaveOutStale(t, open(t)) })
	t.Run("CandidatesTakeBackStaleWhenWritten", func(t *testing.T) { candidatesTakeBackStaleWhenWritten(t, open(t)) })
	t.Run("SearchFindsStale", func(t *testing.T) { searchFindsStale(t, open(t)) })
}

// put stores ps in s or fails the test.
func put(t *testing.T, s Subject, ps ...profiles.Profile) {
	t.Helper()
	if err := s.Put(context.Background(), ps); err != nil {
		t.Fatalf("Put(%d profiles) = %v", len(ps), err)
	}
}
