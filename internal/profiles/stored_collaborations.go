package profiles

import (
	"errors"
	"time"
)

// The states of a collaboration event (SPEC §4). Only counted events move trust.
const (
	// CollaborationCounted is an event recorded by an admin, a tender owner or the
	// tools (seed, AddCollaborations), a partner's claim the other partner
	// confirmed, or any event stored before events had states.
	CollaborationCounted = "counted"
	// CollaborationClaim is an event one partner of the pair recorded and the other
	// has neither confirmed nor disputed.
	CollaborationClaim = "claim"
	// CollaborationDisputed is a claim the other partner disputed; it never counts.
	CollaborationDisputed = "disputed"
)

// ErrNotClaim is a confirmation or dispute of an event that is no claim (any
// more): it counts already, or was disputed.
var ErrNotClaim = errors.New("profiles: the event is no claim")

// ErrDayTaken is an event that would give its pair a second counted event on one
// day (SPEC §4), or a claim for a day on which the pair has a counted event or an
// open claim already.
var ErrDayTaken = errors.New("profiles: the pair has an event on that day")

// CollaborationRecord is one stored collaboration event: the event, its id (the
// order it was added in, which breaks ties between events of one date), whether it
// counts, and who recorded it.
type CollaborationRecord struct {
	ID int64
	Collaboration
	// State is CollaborationCounted, CollaborationClaim or CollaborationDisputed.
	State string
	// RecorderRole is the role of the token that recorded the event through the API;
	// "" for the events the tools loaded and those stored before events had
	// recorders.
	RecorderRole string
	// Recorder is who, within that role, recorded it: a partner's profile id, the
	// token id of an admin or a tender owner.
	Recorder string
	// Recorded is when it was recorded, zero when unknown; Settled when the other
	// partner confirmed or disputed it, zero until then.
	Recorded, Settled time.Time
}
