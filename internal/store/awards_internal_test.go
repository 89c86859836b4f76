package store

import (
	"context"
	"errors"
	"samenspel/internal/profiles"
	"testing"
	"time"
)

// TestAwardAndIdeaStepsUpgrade: a store made before awards and ideas existed, with
// a profile and a tender, upgrades to one where both work; and the two steps run
// again over a store that has them (the upgrade tests wind the version back)
// without losing an award or an idea.
func TestAwardAndIdeaStepsUpgrade(t *testing.T) {
	step := stepOf(t, "CREATE TABLE IF NOT EXISTS awards")
	if ideas := stepOf(t, "CREATE TABLE IF NOT EXISTS ideas"); ideas != step+1 {
		t.Fatalf("the ideas' step is %d, want the one after the awards' (%d)", ideas, step+1)
	}
	dir, _ := storeBefore(t, "CREATE TABLE IF NOT EXISTS awards",
		`INSERT INTO profiles (id, kind, size, doc) VALUES ('a', 'residents_group', 'small', '{"id":"a","name":"A","kind":"residents_group","size":"small","areas":["WK034412"],"instruments":{"meals":1}}'),
			('b', 'welfare', 'large', '{"id":"b","name":"B","kind":"welfare","size":"large","areas":["WK034412"],"instruments":{"home_visits":1}}')`,
		`INSERT INTO tenders (id, owner, created, updated, doc) VALUES ('t', 'tok_owner', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', '{"id":"t"}')`)

	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s := openInternal(t, dir)
	a, _, err := s.AwardTender(ctx, "t", []string{"a", "b"}, "tender_owner", "tok_owner", now)
	if err != nil || len(a.Members) != 2 || !a.Members[0].SmallOrNew || a.Members[1].SmallOrNew {
		t.Fatalf("AwardTender() after upgrading = %+v, %v; want a small, b not", a, err)
	}
	idea, err := s.AddIdea(ctx, "a", "een idee", now)
	if err != nil {
		t.Fatalf("AddIdea() after upgrading = %v", err)
	}
	s.Close()

	// Wind the version back to before both steps: they run again, and keep what
	// they hold.
	windBack(t, dir, step)
	s = openInternal(t, dir)
	if got, err := s.Award(ctx, "t"); err != nil || len(got.Members) != 2 {
		t.Errorf("Award(t) after the steps ran again = %+v, %v; want the award", got, err)
	}
	if got, err := s.IdeaByReceipt(ctx, idea.ID); err != nil || got.Text != "een idee" {
		t.Errorf("IdeaByReceipt() after the steps ran again = %+v, %v; want the idea", got, err)
	}
}

// TestMaxIdeas: a partner keeps at most MaxIdeas ideas.
func TestMaxIdeas(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t, t.TempDir())
	if _, err := s.writer.ExecContext(ctx, `INSERT INTO profiles (id, kind, size, doc) VALUES ('a', 'residents_group', 'small', '{"id":"a"}')`); err != nil {
		t.Fatal(err)
	}
	// MaxIdeas - 1 ideas at once, then the last one allowed through AddIdea.
	if _, err := s.writer.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO ideas (id, profile, sha256, text, created) SELECT 'idea_' || printf('%032x', i), 'a', '', 'x', '2026-01-01T00:00:00.000000000Z' FROM n`, profiles.MaxIdeas-1); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if _, err := s.AddIdea(ctx, "a", "de laatste", now); err != nil {
		t.Errorf("AddIdea(idea %d) = %v, want it kept", profiles.MaxIdeas, err)
	}
	if _, err := s.AddIdea(ctx, "a", "een te veel", now); !errors.Is(err, profiles.ErrTooManyIdeas) {
		t.Errorf("AddIdea(idea %d) = %v, want profiles.ErrTooManyIdeas", profiles.MaxIdeas+1, err)
	}
	if _, total, err := s.Ideas(ctx, "a", 1, 0); err != nil || total != profiles.MaxIdeas {
		t.Errorf("Ideas(a) total = %d, %v; want %d", total, err, profiles.MaxIdeas)
	}
}
