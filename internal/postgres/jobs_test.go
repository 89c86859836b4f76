package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// The PostgreSQL store passes the shared suites of the change log, the job runs,
// the notifications and webhooks, the web sessions, the collaboration events and
// the profile records, as the embedded store does. Where a suite asks for a
// second store over the same data, it is another pool on the same database (a
// second replica).

func TestChanges(t *testing.T) {
	storetest.Changes(t, func(t *testing.T) (s, other storetest.ChangeStore) {
		url, s1 := database(t)
		return s1, openURL(t, url)
	})
}

func TestJobs(t *testing.T) {
	storetest.Jobs(t, func(t *testing.T) storetest.JobSubject {
		url, s := database(t)
		c := sqlConn(t, url)
		return storetest.JobSubject{
			Store: s,
			Other: openURL(t, url),
			SetReport: func(ctx context.Context, id int64, report string) error {
				_, err := c.Exec(ctx, `UPDATE job_runs SET report = $1 WHERE id = $2`, report, id)
				return err
			},
		}
	})
}

func TestNotifications(t *testing.T) {
	storetest.Notifications(t, func(t *testing.T) storetest.NotificationStore { _, s := database(t); return s })
}

func TestWebSessions(t *testing.T) {
	storetest.WebSessions(t, func(t *testing.T) (s, other storetest.WebSessionStore) {
		url, s1 := database(t)
		return s1, openURL(t, url)
	})
}

func TestCollaborations(t *testing.T) {
	storetest.Collaborations(t, func(t *testing.T) storetest.CollaborationStore { _, s := database(t); return s })
}

func TestProfiles(t *testing.T) {
	storetest.Profiles(t, func(t *testing.T) storetest.ProfileSubject {
		url := pgtest.Database(t)
		c := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
		s, err := postgres.Open(context.Background(), url, taxonomy(t), postgres.WithClock(c.now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return storetest.ProfileSubject{Store: s, Other: openURL(t, url), Now: c.now, SetNow: c.set}
	})
}

// TestWaitChangeWakes: a profile write through one store wakes a follower that
// waits on another store over the same database, at once and not before; a
// follower already behind returns at once; a failed write wakes nobody.
func TestWaitChangeWakes(t *testing.T) {
	ctx := context.Background()
	url, writer := database(t)
	follower := openURL(t, url)
	if err := follower.WaitChange(ctx, -1); err != nil {
		t.Fatalf("WaitChange(-1) = %v, want at once: 0 is above -1", err)
	}
	woken := make(chan error, 1)
	go func() { woken <- follower.WaitChange(ctx, 0) }()
	select {
	case err := <-woken:
		t.Fatalf("WaitChange(0) returned %v before any write", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := writer.CreateProfile(ctx, storetest.Profile("a")); err == nil {
		if err := writer.CreateProfile(ctx, storetest.Profile("a")); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("CreateProfile(a) again = %v, want ErrConflict", err)
		}
	} else {
		t.Fatal(err)
	}
	select {
	case err := <-woken:
		if err != nil {
			t.Fatalf("WaitChange(0) after a write = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitChange(0) was not woken by a write through another store")
	}
	last, err := follower.LastChange(ctx)
	if err != nil || last == 0 {
		t.Fatalf("LastChange() = %d, %v", last, err)
	}
	if err := follower.WaitChange(ctx, last-1); err != nil {
		t.Errorf("WaitChange(last-1) = %v, want at once", err)
	}

	// Listen: one wake per committed write, none for a write that failed.
	lctx, cancel := context.WithCancel(ctx)
	wake, err := follower.Listen(lctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.DeleteProfile(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DeleteProfile(missing) = %v", err)
	}
	select {
	case <-wake:
		t.Error("a failed write woke the listener")
	case <-time.After(300 * time.Millisecond):
	}
	if err := writer.PutProfile(ctx, storetest.Profile("a")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("Listen was not woken by a write through another store")
	}
	cancel()
	select {
	case _, open := <-wake:
		if open {
			// a wake may have been waiting; the close follows
			if _, open = <-wake; open {
				t.Error("Listen's channel stayed open after its context ended")
			}
		}
	case <-time.After(10 * time.Second):
		t.Error("Listen's channel was not closed when its context ended")
	}

	cctx, ccancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer ccancel()
	if err := follower.WaitChange(cctx, last+100); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitChange past every change with a deadline = %v, want the deadline's error", err)
	}
}
