package postgres_test

import (
	"context"
	"testing"
	"time"

	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
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

// TestSeeds: the shared seed suite, with n replicas opening one database.
func TestSeeds(t *testing.T) {
	storetest.Seeds(t, func(t *testing.T, n int) []storetest.SeedStore {
		url := pgtest.Database(t)
		var out []storetest.SeedStore
		for range n {
			s, err := postgres.Open(context.Background(), url, taxonomy(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			out = append(out, s)
		}
		return out
	})
}
