package profiles

import (
	"errors"
	"strings"
	"time"
)

// ErrAwardFinal is a new award, or a second outcome, for a tender whose award has
// its outcome recorded already.
var ErrAwardFinal = errors.New("profiles: the award has its outcome recorded")

// ErrNoAward is an outcome for a tender that has no award.
var ErrNoAward = errors.New("profiles: the tender has no award")

// MissingProfilesError is an award naming ids that are no profile. It unwraps to
// ErrNotFound.
type MissingProfilesError struct {
	// IDs are the ids that are no profile, in the order the award named them.
	IDs []string
}

func (e *MissingProfilesError) Error() string {
	return "no profile " + strings.Join(e.IDs, ", ")
}

func (e *MissingProfilesError) Unwrap() error { return ErrNotFound }

// Award is the coalition chosen for a tender, and its outcome once recorded.
type Award struct {
	Tender string
	// Members are the coalition's members in the order the award named them,
	// each once.
	Members []AwardMember
	// RecorderRole and Recorder are who awarded it: the role of the token and,
	// within it, the token's id (as for collaboration events).
	RecorderRole, Recorder string
	// Awarded is when the award was made (or last replaced).
	Awarded time.Time
	// Outcome is OutcomePositive or OutcomeNegative once recorded, ""
	// until then.
	Outcome string
	// OutcomeAt is the date (YYYY-MM-DD) of the outcome's events; OutcomeRecorded
	// when it was recorded; both zero until then.
	OutcomeAt       string
	OutcomeRecorded time.Time
	// OutcomeEvents and OutcomeSkipped count the pairs whose event the outcome
	// recorded, and those it skipped (AwardOutcome.Skipped).
	OutcomeEvents, OutcomeSkipped int
}

// AwardMember is one member of an award.
type AwardMember struct {
	Profile string
	// SmallOrNew is whether the member counted for inclusion (small or a new
	// provider, SPEC §5) when it was awarded: the fairness report counts the
	// awarded seats by it.
	SmallOrNew bool
}

// IDs are the profile ids of the award's members, in order.
func (a Award) IDs() []string {
	out := make([]string, len(a.Members))
	for i, m := range a.Members {
		out[i] = m.Profile
	}
	return out
}

// The reasons an outcome skips a pair (SkippedPair.Reason).
const (
	// SkipDayTaken: the pair has a counted event on the outcome's date already,
	// and a pair has at most one a day (SPEC §4).
	SkipDayTaken = "day_taken"
	// SkipNoProfile: one of the pair's profiles was deleted since the award.
	SkipNoProfile = "no_profile"
)

// SkippedPair is a pair of awarded members for which an outcome recorded no
// event, and why.
type SkippedPair struct {
	A, B   string
	Reason string
}

// AwardOutcome is what recording an outcome did: the award as it is now, the
// counted events recorded, one per pair of members in the members' order (A
// before B), and the pairs skipped.
type AwardOutcome struct {
	Award   Award
	Events  []CollaborationRecord
	Skipped []SkippedPair
}
