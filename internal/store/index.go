package store

import (
	"context"

	"samenspel/internal/profiles"
)

// Index is the retrieval side of the profile store: what the matcher reads to find a
// tender's candidates and to answer the public profile search. *Store implements it
// over its own index tables; internal/meili implements it over a Meilisearch index
// that holds public fields only. Both pass the shared suite in internal/store/storetest.
//
// Candidates returns profiles by id; whether contact and private are filled depends
// on the implementation (the match engine reads neither). SearchProfiles never
// returns them.
type Index interface {
	Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error)
	SearchProfiles(ctx context.Context, q Query) (hits []profiles.Profile, total int, err error)
}

var _ Index = (*Store)(nil)
