// Package storetest is the shared test suite of the profile index (store.Index): the
// embedded store and the Meilisearch store must give the same candidates and the same
// search answers for the same profiles. Each implementation's tests call Run with a
// function that opens an empty index.
//
// It only reads and writes through Subject; it never assumes which implementation it
// is testing.
package storetest

import (
	"context"
	"testing"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
)

// Subject is one empty profile index under test, with the writes the suite needs.
// Put upserts profiles by id and Delete removes one; both return once the change is
// visible to Index (an implementation with asynchronous writes waits for them).
type Subject struct {
	Index  store.Index
	Put    func(ctx context.Context, ps []profiles.Profile) error
	Delete func(ctx context.Context, id string) error
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
}
