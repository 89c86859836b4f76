package auth_test

import (
	"errors"
	"testing"

	"samenspel/internal/auth"
)

// TestMay pins who may do what, for the API and the pages alike.
func TestMay(t *testing.T) {
	var (
		anon    = auth.Principal{}
		admin   = auth.Principal{Role: auth.RoleAdmin, Owner: "tok-admin"}
		owner   = auth.Principal{Role: auth.RoleTenderOwner, Owner: "tok-owner"}
		noOwner = auth.Principal{Role: auth.RoleTenderOwner} // a tender owner without identity owns nothing
		partner = auth.Principal{Role: auth.RolePartner, Profile: "buurtkamer", Owner: "tok-p"}
		bare    = auth.Principal{Role: auth.RolePartner} // a partner token without profile
	)
	type check struct {
		name string
		err  error
		want error // nil: allowed
	}
	checks := []check{
		{"anonymous acts as partner", anon.ActAsPartner(), auth.ErrUnauthorized},
		{"partner acts as partner", partner.ActAsPartner(), nil},
		{"partner without profile", bare.ActAsPartner(), auth.ErrForbidden},
		{"owner acts as partner", owner.ActAsPartner(), auth.ErrForbidden},
		{"admin acts as partner", admin.ActAsPartner(), auth.ErrForbidden},

		{"partner manages its own profile", partner.ManageProfile("buurtkamer"), nil},
		{"partner manages another's", partner.ManageProfile("woonstad"), auth.ErrForbidden},
		{"bare partner manages the empty id", bare.ManageProfile(""), auth.ErrForbidden},
		{"admin manages any profile", admin.ManageProfile("woonstad"), nil},
		{"owner manages a profile", owner.ManageProfile("woonstad"), auth.ErrForbidden},
		{"anonymous manages a profile", anon.ManageProfile("woonstad"), auth.ErrUnauthorized},

		{"owner makes tenders", owner.MakeTenders(), nil},
		{"admin makes tenders", admin.MakeTenders(), nil},
		{"partner makes tenders", partner.MakeTenders(), auth.ErrForbidden},
		{"anonymous makes tenders", anon.MakeTenders(), auth.ErrUnauthorized},

		{"owner manages its tender", owner.ManageTender("tok-owner"), nil},
		{"owner manages another's tender", owner.ManageTender("tok-other"), auth.ErrForbidden},
		{"owner without identity, tender without owner", noOwner.ManageTender(""), auth.ErrForbidden},
		{"admin manages any tender", admin.ManageTender("tok-other"), nil},
		{"partner manages a tender", partner.ManageTender("tok-p"), auth.ErrForbidden},
		{"anonymous manages a tender", anon.ManageTender("tok-owner"), auth.ErrUnauthorized},

		{"the other partner settles a claim", partner.SettleClaim("woonstad", "buurtkamer", auth.RolePartner, "woonstad"), nil},
		{"the recorder settles its own claim", partner.SettleClaim("buurtkamer", "woonstad", auth.RolePartner, "buurtkamer"), auth.ErrOwnClaim},
		{"a partner of the pair settles an owner's event", partner.SettleClaim("buurtkamer", "woonstad", auth.RoleTenderOwner, "tok-owner"), nil},
		{"a partner outside the pair", partner.SettleClaim("a", "b", auth.RolePartner, "a"), auth.ErrForbidden},
		{"an admin settles", admin.SettleClaim("a", "b", auth.RolePartner, "a"), auth.ErrForbidden},
		{"owner records any pair", owner.RecordCollaboration("a", "b"), nil},
		{"admin records any pair", admin.RecordCollaboration("a", "b"), nil},
		{"partner records its own pair", partner.RecordCollaboration("woonstad", "buurtkamer"), nil},
		{"partner records another pair", partner.RecordCollaboration("a", "b"), auth.ErrForbidden},
		{"bare partner records a pair with the empty id", bare.RecordCollaboration("", "b"), auth.ErrForbidden},
		{"anonymous records", anon.RecordCollaboration("a", "b"), auth.ErrUnauthorized},
		{"anonymous settles", anon.SettleClaim("a", "b", auth.RolePartner, "a"), auth.ErrUnauthorized},
	}
	for _, c := range checks {
		switch {
		case c.want == nil && c.err != nil:
			t.Errorf("%s: refused (%v), want allowed", c.name, c.err)
		case c.want != nil && !errors.Is(c.err, c.want):
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	if !errors.Is(auth.ErrOwnClaim, auth.ErrForbidden) {
		t.Errorf("an own claim is no 403")
	}
	for _, v := range []struct {
		p              auth.Principal
		whole, contact bool
	}{
		{anon, false, false}, {partner, true, true}, {bare, false, false}, {owner, false, true}, {admin, true, true},
	} {
		if v.p.SeesWhole("buurtkamer") != v.whole || v.p.SeesContact("buurtkamer") != v.contact {
			t.Errorf("%+v sees whole %v, contact %v; want %v, %v", v.p, v.p.SeesWhole("buurtkamer"), v.p.SeesContact("buurtkamer"), v.whole, v.contact)
		}
	}
	if bare.SeesWhole("") {
		t.Errorf("a partner token without profile sees the profile of the empty id whole")
	}
}
