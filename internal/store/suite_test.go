package store_test

import (
	"context"
	"testing"

	"samenspel/internal/profiles"
	"samenspel/internal/store/storetest"
)

func TestIndexSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Subject {
		s := newStore(t)
		return storetest.Subject{
			Index: s,
			Put: func(ctx context.Context, ps []profiles.Profile) error {
				_, _, err := s.UpsertProfiles(ctx, ps)
				return err
			},
			Delete: s.DeleteProfile,
		}
	})
}
