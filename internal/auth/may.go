package auth

import (
	"errors"
	"fmt"
)

// Who may do what. The API's routes and the pages' forms ask these, and only
// these, so that the two ways in cannot drift apart: a rule changed here changes
// for both. A refusal is ErrUnauthorized for someone not signed in (401, or the
// sign-in page) and ErrForbidden, or an error wrapping it, for someone signed in
// whose role or identity does not allow it (403).

// Principal is who acts: the role of its token ("" when anonymous), for a
// partner its profile, and the identity its writes are recorded under (the
// token's id: a tender owner's tenders are its own by it).
type Principal struct {
	Role    string
	Profile string // for partners
	Owner   string
}

var (
	// ErrUnauthorized: the action needs a signed-in principal.
	ErrUnauthorized = errors.New("a valid bearer token is required")
	// ErrForbidden: the principal's role or identity does not allow the action.
	ErrForbidden = errors.New("this token may not do that")
	// ErrOwnClaim: the recorder of a claim may not confirm or dispute it itself.
	ErrOwnClaim = fmt.Errorf("%w: a claim is confirmed or disputed by the other partner of the pair, not by the one that recorded it", ErrForbidden)
)

// SignedIn reports whether p holds a token.
func (p Principal) SignedIn() bool { return p.Role != "" }

// refuse is ErrUnauthorized for the anonymous, else ErrForbidden.
func (p Principal) refuse() error {
	if !p.SignedIn() {
		return ErrUnauthorized
	}
	return ErrForbidden
}

// ActAsPartner: what only a partner does, for its own profile (express interest
// in a tender, register an idea, read its own notifications).
func (p Principal) ActAsPartner() error {
	if p.Role == RolePartner && p.Profile != "" {
		return nil
	}
	return p.refuse()
}

// ManageProfile: a partner manages its own profile, an admin every profile
// (replace, change, confirm, delete, its webhook).
func (p Principal) ManageProfile(id string) error {
	if p.SeesWhole(id) {
		return nil
	}
	return p.refuse()
}

// SeesWhole reports whether p sees profile id whole, contact and private fields
// too (SPEC §2): its partner and admins.
func (p Principal) SeesWhole(id string) bool {
	return p.Role == RoleAdmin || (p.Role == RolePartner && p.Profile != "" && p.Profile == id)
}

// SeesContact reports whether p sees profile id's contact: those who see it
// whole, and tender owners.
func (p Principal) SeesContact(id string) bool {
	return p.SeesWhole(id) || p.Role == RoleTenderOwner
}

// MakeTenders: tender owners and admins put out tenders.
func (p Principal) MakeTenders() error {
	if p.Role == RoleTenderOwner || p.Role == RoleAdmin {
		return nil
	}
	return p.refuse()
}

// ManageTender: a tender owner manages the tenders recorded under its identity
// (owner), an admin every tender (change, close, award, its interested
// partners).
func (p Principal) ManageTender(owner string) error {
	if p.Role == RoleAdmin || (p.Role == RoleTenderOwner && p.Owner != "" && p.Owner == owner) {
		return nil
	}
	return p.refuse()
}

// SettleClaim: only the other partner of the pair (a, b) confirms or disputes a
// claim, a partner of the pair that did not record it; not admins, not the
// recorder (recorderRole, recorder: who recorded the event, a partner by its
// profile).
func (p Principal) SettleClaim(a, b, recorderRole, recorder string) error {
	switch {
	case p.Role != RolePartner || p.Profile == "" || (p.Profile != a && p.Profile != b):
		return p.refuse()
	case recorderRole == RolePartner && recorder == p.Profile:
		return ErrOwnClaim
	}
	return nil
}

// RecordCollaboration: admins and tender owners record an event of any pair (it
// counts at once, SPEC §4), a partner one of a pair it is in (a claim until the
// other partner confirms it).
func (p Principal) RecordCollaboration(a, b string) error {
	switch p.Role {
	case RoleAdmin, RoleTenderOwner:
		return nil
	case RolePartner:
		if p.Profile != "" && (p.Profile == a || p.Profile == b) {
			return nil
		}
	}
	return p.refuse()
}
