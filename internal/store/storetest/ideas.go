package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"samenspel/internal/profiles"
)

// IdeaStore is what the idea suite uses of a store: the partners' ideas, and the
// answers that must never hold one.
type IdeaStore interface {
	CreateProfile(ctx context.Context, p profiles.Profile) error
	GetProfile(ctx context.Context, id string) (profiles.Profile, error)
	DeleteProfile(ctx context.Context, id string) error
	SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error)
	Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error)
	AddIdea(ctx context.Context, profile, text string, now time.Time) (profiles.Idea, error)
	Ideas(ctx context.Context, profile string, limit, offset int) ([]profiles.Idea, int, error)
	IdeaByReceipt(ctx context.Context, id string) (profiles.Idea, error)
}

// Ideas is the shared suite of the partners' ideas. open must return an empty
// store.
func Ideas(t *testing.T, open func(t *testing.T) IdeaStore) {
	t.Run("Ideas", func(t *testing.T) { ideas(t, open(t)) })
}

// ideaCanary is an idea's text that no other answer of the store may hold.
const ideaCanary = "IDEA-CANARY-b41e: een buurtmoestuin op het dak van de bieb\nmet\tregels"

// ideas: an idea gets a random receipt with the digest of its exact text; its
// partner lists them newest first; the receipt finds it; it goes with its
// profile, and no search, profile or candidate list holds its text.
func ideas(t *testing.T, s IdeaStore) {
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		if err := s.CreateProfile(ctx, Profile(id)); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	first, err := s.AddIdea(ctx, "a", ideaCanary, t0)
	if err != nil {
		t.Fatalf("AddIdea() = %v", err)
	}
	sum := sha256.Sum256([]byte(ideaCanary))
	if !profiles.ValidIdeaID(first.ID) || first.SHA256 != hex.EncodeToString(sum[:]) || first.Profile != "a" || !first.Created.Equal(t0) || first.Text != ideaCanary {
		t.Errorf("AddIdea() = %+v; want a receipt id, the SHA-256 %x of the text, a, %v", first, sum, t0)
	}
	second, err := s.AddIdea(ctx, "a", "tweede idee", t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID {
		t.Errorf("two ideas have the receipt id %s", first.ID)
	}
	if _, err := s.AddIdea(ctx, "b", "van b", t0); err != nil {
		t.Fatal(err)
	}
	got, total, err := s.Ideas(ctx, "a", 0, 0)
	if err != nil || total != 2 || len(got) != 2 || got[0].ID != second.ID || got[1] != first {
		t.Errorf("Ideas(a) = %+v, %d, %v; want the second then the first, 2 in all", got, total, err)
	}
	if got, total, err := s.Ideas(ctx, "a", 1, 1); err != nil || total != 2 || len(got) != 1 || got[0].ID != first.ID {
		t.Errorf("Ideas(a, limit 1, offset 1) = %+v, %d, %v; want the first", got, total, err)
	}
	if got, err := s.IdeaByReceipt(ctx, first.ID); err != nil || got != first {
		t.Errorf("IdeaByReceipt() = %+v, %v; want %+v", got, err, first)
	}
	if _, err := s.IdeaByReceipt(ctx, profiles.IdeaIDPrefix+strings.Repeat("0", 32)); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("IdeaByReceipt(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.AddIdea(ctx, "nobody", "x", t0); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("AddIdea(no profile) = %v, want ErrNotFound", err)
	}

	// The text is in no other answer of the store.
	hits, _, err := s.SearchProfiles(ctx, profiles.Query{Text: "buurtmoestuin", Limit: 10})
	if err != nil || len(hits) != 0 {
		t.Errorf("SearchProfiles(a word of an idea) = %v, %v; want no hit", ids(hits), err)
	}
	p, err := s.GetProfile(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"profile": p.Description + strings.Join(mapValues(p.Private), " ") + p.Name} {
		if strings.Contains(text, "IDEA-CANARY") {
			t.Errorf("the %s holds the idea", name)
		}
	}
	cands, err := s.Candidates(ctx, Tender("t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if strings.Contains(c.Description+strings.Join(mapValues(c.Private), " "), "IDEA-CANARY") {
			t.Errorf("candidate %s holds the idea", c.ID)
		}
	}

	// An idea goes with its partner's profile; the other partner's stays.
	if err := s.DeleteProfile(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IdeaByReceipt(ctx, first.ID); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("IdeaByReceipt() after its profile was deleted = %v, want ErrNotFound", err)
	}
	if got, total, _ := s.Ideas(ctx, "b", 0, 0); total != 1 || len(got) != 1 {
		t.Errorf("Ideas(b) after a was deleted = %+v, %d; want b's one", got, total)
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
