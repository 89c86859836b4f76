package store_test

import (
	"context"
	"testing"
	"time"

	"samenspel/internal/profiles"
	"samenspel/internal/store"
	"samenspel/internal/store/storetest"
)

// TestProfiles: the embedded store passes the shared suite of the profile
// records, the second store another Store over the same directory, the clock
// the test's.
func TestProfiles(t *testing.T) {
	storetest.Profiles(t, func(t *testing.T) storetest.ProfileSubject {
		dir := t.TempDir()
		clock := &testClock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
		s, err := store.Open(context.Background(), dir, taxonomy(t), store.WithClock(clock.now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return storetest.ProfileSubject{Store: s, Other: open(t, dir), Now: clock.now, SetNow: clock.set}
	})
}

// TestProfileErrorNamesID: an error names the store and the profile's id.
func TestProfileErrorNamesID(t *testing.T) {
	if _, err := newStore(t).GetProfile(context.Background(), "b"); err == nil || err.Error() != `store: get profile "b": profiles: not found` {
		t.Errorf("GetProfile(b) error = %q, want the id in it", err)
	}
}

// ids lists the ids of ps in order.
func ids(ps []profiles.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
