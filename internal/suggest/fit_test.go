package suggest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"samenspel/internal/cache"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

// TestFitStoredTender: the service's answer is the engine's on the stored tender,
// its candidates and the profile, and carries none of the profile's contact or
// private fields.
func TestFitStoredTender(t *testing.T) {
	ctx := context.Background()
	st, svc, tn, _ := setup(t)
	cands, err := st.Candidates(ctx, tn)
	if err != nil || len(cands) == 0 {
		t.Fatalf("Candidates() = %d, %v", len(cands), err)
	}
	// A candidate with private ideas, so that their absence from the answer says
	// something.
	i := slices.IndexFunc(cands, func(p profiles.Profile) bool { return len(p.Private) > 0 && p.Contact != nil })
	if i < 0 {
		t.Fatal("no candidate with private ideas and a contact in the pool")
	}
	p := cands[i]
	got, err := svc.Fit(ctx, tn.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := match.Fit(match.Input{Tender: tn, Profiles: cands, Trust: match.NewTrust(nil)}, p.ID, match.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("Fit() =\n%s\nwant the engine's\n%s", gb, wb)
	}
	if !got.Candidate || got.Profile.ID != p.ID {
		t.Fatalf("Fit() = candidate %v profile %v, want %s as a candidate", got.Candidate, got.Profile, p.ID)
	}
	for _, secret := range []string{p.Contact.Email, p.Private["ideas"]} {
		if strings.Contains(string(gb), secret) {
			t.Fatalf("Fit() carries %q, a contact or private field", secret)
		}
	}
}

// TestFitStaleProfile: a stale profile is no candidate, but it is read all the
// same, and the answer says it is stale.
func TestFitStaleProfile(t *testing.T) {
	ctx := context.Background()
	st, svc, tn, _ := setup(t)
	cands, err := st.Candidates(ctx, tn)
	if err != nil || len(cands) == 0 {
		t.Fatalf("Candidates() = %d, %v", len(cands), err)
	}
	stale := cands[0].ID
	now := time.Now().Add(time.Hour)
	marked, err := st.MarkStale(ctx, now, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range marked {
		if id != stale {
			if err := st.ConfirmProfile(ctx, id, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	if after, _ := st.Candidates(ctx, tn); slices.ContainsFunc(after, func(p profiles.Profile) bool { return p.ID == stale }) {
		t.Fatalf("%s is stale and still a candidate", stale)
	}
	got, err := svc.Fit(ctx, tn.ID, stale)
	if err != nil {
		t.Fatal(err)
	}
	if got.Candidate || !slices.Equal(got.Reasons, []string{match.ReasonStale}) {
		t.Fatalf("Fit(stale) = candidate %v reasons %v, want reasons [stale]", got.Candidate, got.Reasons)
	}
}

// TestFitMissing: an unknown tender or profile is a MissingError naming which,
// and profiles.ErrNotFound.
func TestFitMissing(t *testing.T) {
	ctx := context.Background()
	_, svc, tn, ps := setup(t)
	for _, tc := range []struct{ tender, profile, field string }{
		{"no-such-tender", ps[0].ID, "tender"},
		{tn.ID, "no-such-profile", "profile"},
	} {
		_, err := svc.Fit(ctx, tc.tender, tc.profile)
		var missing *MissingError
		if !errors.As(err, &missing) || missing.Field != tc.field || !errors.Is(err, profiles.ErrNotFound) {
			t.Errorf("Fit(%s, %s) = %v, want a MissingError for the %s", tc.tender, tc.profile, err, tc.field)
		}
	}
}

// TestFitHeavyAndDeadline: Fit takes a heavy slot (ErrBusy while all are taken),
// and its search stops at its caller's deadline with the best found, exact false
// and interrupted.
func TestFitHeavyAndDeadline(t *testing.T) {
	ctx := context.Background()
	st, _, tn, ps := setup(t)
	svc := New(st, cache.NewMemory(100, time.Hour), nil, WithMaxHeavy(1))
	leave, err := svc.enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Fit(ctx, tn.ID, ps[0].ID); !errors.Is(err, ErrBusy) {
		t.Errorf("Fit while busy: %v, want ErrBusy", err)
	}
	leave()
	if _, err := svc.Fit(ctx, tn.ID, ps[0].ID); err != nil {
		t.Errorf("Fit once the slot is free: %v", err)
	}

	_, crowded, ctn := crowdedSetup(t)
	dctx, cancel := context.WithTimeout(ctx, shortDeadline)
	defer cancel()
	start := time.Now()
	got, err := crowded.Fit(dctx, ctn.ID, "crowded-05")
	if err != nil {
		t.Fatalf("Fit(crowded) = %v", err)
	}
	if got.Exact || !got.Interrupted || got.Bound == nil {
		t.Fatalf("Fit at the deadline: exact %v interrupted %v bound %v, want inexact, interrupted, with its bound", got.Exact, got.Interrupted, got.Bound)
	}
	if d := time.Since(start); d > 5*shortDeadline {
		t.Fatalf("Fit took %v past a deadline of %v", d, shortDeadline)
	}
}
