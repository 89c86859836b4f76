package store_test

import (
	"context"
	"errors"
	"testing"

	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestPutSuggestionFenced: a run's answer replaces the stored one only when no
// newer run has stored one; a replica woken late from a pause cannot overwrite it.
func TestPutSuggestionFenced(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	tn := storetest.Tender("eenzaamheid-overvecht-2027")
	if err := s.CreateTender(ctx, tn, "gemeente-utrecht", day1); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := s.StoredSuggestion(ctx, tn.ID); !errors.Is(err, store.ErrNotFound) {
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

// TestStoredSuggestionOfClosedTender: a closed tender's answer is not served.
func TestStoredSuggestionOfClosedTender(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	tn := storetest.Tender("eenzaamheid-overvecht-2027")
	if err := s.CreateTender(ctx, tn, "gemeente-utrecht", day1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutSuggestion(ctx, tn.ID, "d", 1, []byte(`{}`), day1); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseTender(ctx, tn.ID, day2); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := s.StoredSuggestion(ctx, tn.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("StoredSuggestion() of a closed tender = %v, want ErrNotFound", err)
	}
	if _, _, _, _, err := s.StoredSuggestion(ctx, "no-such-tender"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("StoredSuggestion() of no tender = %v, want ErrNotFound", err)
	}
}
