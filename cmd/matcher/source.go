package main

import (
	"context"
	"time"

	"samenspel/internal/api"
	"samenspel/internal/auth"
	"samenspel/internal/jobs"
	"samenspel/internal/lease"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
	"samenspel/internal/recompute"
	"samenspel/internal/scaled"
	"samenspel/internal/store"
	suggestions "samenspel/internal/suggest"
	"samenspel/internal/web"
	"samenspel/internal/web/session"
	"samenspel/internal/webhook"
)

// source is the source of truth that matcher's commands work on. Each package it
// is handed to declares the small part it needs; source is their union, and the
// one place that says a store must be whole to serve. The embedded store and
// PostgreSQL implement it.
type source interface {
	api.Store
	api.JobStore
	api.NotificationStore
	api.WebhookStore
	api.TokenStore
	api.AwardStore
	api.IdeaStore
	suggestions.Store
	web.Store
	web.FormStore
	session.Tokens
	session.SessionKeeper
	jobs.RunStore
	lease.Keeper
	recompute.Store
	recompute.SnapshotSource
	webhook.Store
	scaled.Source

	// The commands' own: readiness, the example data of an empty store, the
	// nightly marking of stale profiles, the token commands, closing.
	Ping(ctx context.Context) error
	Empty(ctx context.Context) (bool, error)
	SeedIfEmpty(ctx context.Context, seed profiles.Seed, now time.Time) (bool, error)
	MarkStale(ctx context.Context, before, now time.Time) ([]string, error)
	CreateToken(ctx context.Context, t auth.Token) error
	RotateToken(ctx context.Context, id string, next auth.Token, now time.Time) (old, made auth.Token, tenders int, err error)
	Close() error
}

var (
	_ source = (*store.Store)(nil)
	_ source = (*postgres.Store)(nil)
)

// indexedReads is the source of truth with its profile reads (a tender's
// candidates, the profile search, and the versions that key cached answers) from
// the search index (internal/scaled), in the scaled set-up.
type indexedReads struct {
	source
	index *scaled.Store
}

func (r indexedReads) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	return r.index.Candidates(ctx, t)
}

func (r indexedReads) SearchProfiles(ctx context.Context, q profiles.Query) ([]profiles.Profile, int, error) {
	return r.index.SearchProfiles(ctx, q)
}

func (r indexedReads) Versions(ctx context.Context) (profiles.Versions, error) {
	return r.index.Versions(ctx)
}
