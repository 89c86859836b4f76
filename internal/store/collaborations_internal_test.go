package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"samenspel/internal/profiles"
)

// TestEventsBeforeClaimsCount: the events of a store made before events had
// states were recorded before the rule that partners' events are claims (SPEC
// §4): they upgrade counted, in their order, and keep their day from a second
// counted event. The old store is built from the steps before the one that added
// states, wherever that step stands.
func TestEventsBeforeClaimsCount(t *testing.T) {
	dir, _ := storeBefore(t, "CREATE TABLE IF NOT EXISTS collaboration_states",
		`INSERT INTO collaborations (a, b, outcome, at) VALUES ('a', 'b', 'positive', '2026-03-01'), ('b', 'a', 'positive', '2026-03-01'), ('a', 'c', 'negative', '2099-01-01')`)
	ctx := context.Background()
	s := openInternal(t, dir)
	if got, err := s.Collaborations(ctx); err != nil || len(got) != 3 || got[1].A != "b" {
		t.Errorf("Collaborations() after upgrading = %v, %v; want the 3 old events, in order", got, err)
	}
	rs, err := s.CollaborationsOf(ctx, "a", 0)
	if err != nil || len(rs) != 3 {
		t.Fatalf("CollaborationsOf(a) after upgrading = %+v, %v", rs, err)
	}
	for _, r := range rs {
		if r.State != profiles.CollaborationCounted || r.RecorderRole != "" || !r.Recorded.IsZero() {
			t.Errorf("old event %d after upgrading = %+v; want counted, recorded by nobody known", r.ID, r)
		}
	}
	var marked int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM collaboration_states WHERE state = 'counted'`).Scan(&marked); err != nil || marked != 3 {
		t.Errorf("old events marked counted by the upgrade = %d, %v; want 3", marked, err)
	}
	_, err = s.RecordCollaboration(ctx, profiles.CollaborationRecord{Collaboration: profiles.Collaboration{A: "a", B: "b", Outcome: "negative", At: "2026-03-01"},
		State: profiles.CollaborationCounted, RecorderRole: "admin", Recorded: time.Now()})
	if !errors.Is(err, profiles.ErrDayTaken) {
		t.Errorf("a counted event on an old event's day = %v, want profiles.ErrDayTaken", err)
	}
}
