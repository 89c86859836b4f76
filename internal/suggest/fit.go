package suggest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"samenspel/internal/match"
	"samenspel/internal/profiles"
)

// MissingError is a fit asked for a tender or a profile that is not stored. It
// names which (Field "tender" or "profile") and is profiles.ErrNotFound too.
type MissingError struct {
	Field string
	ID    string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("suggest: fit: no %s %q", e.Field, e.ID)
}

// Unwrap makes a MissingError a profiles.ErrNotFound.
func (e *MissingError) Unwrap() error { return profiles.ErrNotFound }

// Fit answers why (not) a profile for a stored tender (SPEC §6, match.Fit): its
// candidates as ForTender reads them, with the profile itself read whole even
// when it is stale or no candidate, and only its public fields handed to the
// engine, so that its contact and private fields cannot reach the answer. An
// unknown tender or profile is a *MissingError. The engine's run is a heavy
// computation (ErrBusy above the cap); it stops when ctx ends, and the answer
// then has Interrupted set. Nothing is cached: each answer concerns one partner,
// and is asked for when its owner looks.
func (s *Service) Fit(ctx context.Context, tender, profile string) (match.FitResult, error) {
	rec, err := s.store.GetTender(ctx, tender)
	if errors.Is(err, profiles.ErrNotFound) {
		return match.FitResult{}, &MissingError{Field: "tender", ID: tender}
	}
	if err != nil {
		return match.FitResult{}, err
	}
	p, err := s.store.GetProfile(ctx, profile)
	if errors.Is(err, profiles.ErrNotFound) {
		return match.FitResult{}, &MissingError{Field: "profile", ID: profile}
	}
	if err != nil {
		return match.FitResult{}, err
	}
	v, err := s.store.Versions(ctx)
	if err != nil {
		return match.FitResult{}, err
	}
	ps, err := s.store.Candidates(ctx, rec.Tender)
	if err != nil {
		return match.FitResult{}, err
	}
	ps = slices.DeleteFunc(ps, func(c profiles.Profile) bool { return c.ID == profile })
	ps = append(ps, p.Public()) // Stale stays: the engine reports it
	tr, err := s.trustAt(ctx, v.Collaborations)
	if err != nil {
		return match.FitResult{}, err
	}
	leave, err := s.enter(ctx)
	if err != nil {
		return match.FitResult{}, err
	}
	defer leave()
	s.computes.Add(1)
	return match.Fit(match.Input{Tender: rec.Tender, Profiles: ps, Trust: tr}, profile, match.Options{Stop: ctx.Done()})
}
