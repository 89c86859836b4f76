package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/store/storetest"
)

// TestAwardOutcomesAtOnce: the outcomes of several tenders awarded to the same
// pair, recorded at once through two replicas for one day, record one counted
// event for the pair (a pair has at most one a day, SPEC §4); every other
// outcome skips the pair as day_taken.
func TestAwardOutcomesAtOnce(t *testing.T) {
	ctx := context.Background()
	url, s := database(t)
	replicas := []*postgres.Store{s, openURL(t, url)}
	for _, id := range []string{"a", "b"} {
		if err := s.CreateProfile(ctx, storetest.Profile(id)); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	const tenders = 16
	for i := range tenders {
		id := fmt.Sprint("t", i)
		if err := s.CreateTender(ctx, storetest.Tender(id), "tok_owner", at); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AwardTender(ctx, id, []string{"a", "b"}, "tender_owner", "tok_owner", at); err != nil {
			t.Fatal(err)
		}
	}
	outs := make([]profiles.AwardOutcome, tenders)
	errs := make([]error, tenders)
	var wg sync.WaitGroup
	for i := range tenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = replicas[i%2].RecordAwardOutcome(ctx, fmt.Sprint("t", i), profiles.OutcomePositive, "2026-03-01", "tender_owner", "tok_owner", at)
		}()
	}
	wg.Wait()
	events := 0
	for i, out := range outs {
		if errs[i] != nil {
			t.Fatalf("RecordAwardOutcome(t%d) = %v", i, errs[i])
		}
		events += len(out.Events)
		if len(out.Events)+len(out.Skipped) != 1 || (len(out.Skipped) == 1 && out.Skipped[0].Reason != profiles.SkipDayTaken) {
			t.Errorf("outcome of t%d = %+v; want the pair's event, or the pair skipped as day_taken", i, out)
		}
	}
	if events != 1 {
		t.Errorf("%d outcomes at once recorded %d events for the pair's day, want 1", tenders, events)
	}
}
