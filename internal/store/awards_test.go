package store_test

import (
	"context"
	"testing"

	"samenspel/internal/store/storetest"
)

// TestAwards: the embedded store passes the shared suite of the awards.
func TestAwards(t *testing.T) {
	storetest.Awards(t, func(t *testing.T) storetest.AwardSubject {
		s := newStore(t)
		return storetest.AwardSubject{
			Store:               s,
			RecordCollaboration: s.RecordCollaboration,
			Collaborations:      s.Collaborations,
			CollaborationsVersion: func(ctx context.Context) (int64, error) {
				v, err := s.Versions(ctx)
				return v.Collaborations, err
			},
		}
	})
}
