package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"samenspel/internal/profiles"
)

// SuggestionStore is what the suite of stored suggestions uses of a store.
type SuggestionStore interface {
	CreateTender(ctx context.Context, t profiles.Tender, owner string, now time.Time) error
	CloseTender(ctx context.Context, id string, now time.Time) error
	PutSuggestion(ctx context.Context, tender, digest string, run int64, body []byte, now time.Time) (bool, error)
	StoredSuggestion(ctx context.Context, tender string) (digest string, run int64, computed time.Time, body []byte, err error)
}

// Suggestions is the shared suite of the stored suggestions: fenced by run (a
// replica woken late cannot overwrite a newer run's answer), and not served for
// a closed tender. open is called once per subtest and must return an empty
// store.
func Suggestions(t *testing.T, open func(t *testing.T) SuggestionStore) {
	t.Run("Fenced", func(t *testing.T) { putSuggestionFenced(t, open(t)) })
	t.Run("ClosedTender", func(t *testing.T) { storedSuggestionOfClosedTender(t, open(t)) })
}

// putSuggestionFenced: a run's answer replaces the stored one only when no newer
// run has stored one; a replica woken late from a pause cannot overwrite it.
func putSuggestionFenced(t *testing.T, s SuggestionStore) {
	ctx := context.Background()
	tn := Tender("eenzaamheid-overvecht-2027")
	if err := s.CreateTender(ctx, tn, "gemeente-utrecht", day1); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := s.StoredSuggestion(ctx, tn.ID); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("StoredSuggestion() before any = %v, want ErrNotFound", err)
	}
	puts := []struct {
		name       string
		digest     string
		run        int64
		wantWrote  bool
		wantDigest string
		wantRun    int64
	}{
		{"first answer", "d1", 1, true, "d1", 1},
		{"newer run", "d2", 3, true, "d2", 3},
		{"older run woken late", "d-old", 2, false, "d2", 3},
		{"same run again", "d3", 3, true, "d3", 3},
	}
	for _, p := range puts {
		t.Run(p.name, func(t *testing.T) {
			body := []byte(`{"tender":"` + p.digest + `"}`)
			wrote, err := s.PutSuggestion(ctx, tn.ID, p.digest, p.run, body, day2)
			if err != nil || wrote != p.wantWrote {
				t.Fatalf("PutSuggestion(run %d) = %t, %v; want %t", p.run, wrote, err, p.wantWrote)
			}
			digest, run, computed, got, err := s.StoredSuggestion(ctx, tn.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := `{"tender":"` + p.wantDigest + `"}`
			if digest != p.wantDigest || run != p.wantRun || string(got) != want || !computed.Equal(day2) {
				t.Errorf("StoredSuggestion() = %s, %d, %v, %s; want %s, %d, %v, %s", digest, run, computed, got, p.wantDigest, p.wantRun, day2, want)
			}
		})
	}
}

// storedSuggestionOfClosedTender: a closed tender's answer is not served.
func storedSuggestionOfClosedTender(t *testing.T, s SuggestionStore) {
	ctx := context.Background()
	tn := Tender("eenzaamheid-overvecht-2027")
	if err := s.CreateTender(ctx, tn, "gemeente-utrecht", day1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutSuggestion(ctx, tn.ID, "d", 1, []byte(`{}`), day1); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseTender(ctx, tn.ID, day2); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := s.StoredSuggestion(ctx, tn.ID); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("StoredSuggestion() of a closed tender = %v, want ErrNotFound", err)
	}
	if _, _, _, _, err := s.StoredSuggestion(ctx, "no-such-tender"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("StoredSuggestion() of no tender = %v, want ErrNotFound", err)
	}
}
