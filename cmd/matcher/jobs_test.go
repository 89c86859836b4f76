package main

import (
	"context"
	"testing"
	"time"

	"samenspel/internal/cache"
	"samenspel/internal/settings"
	suggestions "samenspel/internal/suggest"
)

// TestRecomputeSuggestions: over the embedded store each run computes with a
// service of its own (over a snapshot of the profiles), never the API's; with
// Meilisearch a run computes with the API's service, which reads the search index.
func TestRecomputeSuggestions(t *testing.T) {
	ctx := context.Background()
	st := dataStore(t, t.TempDir())
	defer st.Close()
	answers := cache.NewMemory(10, time.Hour)
	api := suggestions.New(st, answers, nil)

	embedded := recomputeSuggestions(settings.Settings{}, st, api, answers, nil)
	first, err := embedded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second, err := embedded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first == api || second == api || first == second {
		t.Errorf("runs over the embedded store computed with %p and %p (API's %p); want a service of each run's own", first, second, api)
	}

	scaled := recomputeSuggestions(settings.Settings{MeiliURL: "http://meili.invalid:7700"}, st, api, answers, nil)
	if got, err := scaled(ctx); err != nil || got != api {
		t.Errorf("a run with Meilisearch computed with %p, %v; want the API's service %p", got, err, api)
	}
}
