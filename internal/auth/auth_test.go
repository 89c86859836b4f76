package auth

import (
	"errors"
	"testing"
)

func TestSecretRoundTrip(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if a == b {
		t.Fatalf("NewSecret gave the same secret twice: %q", a)
	}
	got, err := FromHeader("Bearer " + a)
	if err != nil || got != a {
		t.Fatalf("FromHeader(Bearer %s) = %q, %v; want the secret", a, got, err)
	}
	if h := Hash(a); len(h) != 64 || h == a || h != Hash(a) || h == Hash(b) {
		t.Errorf("Hash(%q) = %q: want 64 hex digits, stable, different per secret", a, h)
	}
}

func TestFromHeader(t *testing.T) {
	secret, _ := NewSecret()
	tests := []struct {
		header string
		want   string
		err    error
	}{
		{"", "", nil},
		{"bearer " + secret, secret, nil},
		{"Basic dXNlcjpwYXNz", "", ErrMalformed},
		{"Bearer", "", ErrMalformed},
		{"Bearer nonsense", "", ErrMalformed},
		{"Bearer " + secret + "x", "", ErrMalformed},
	}
	for _, tc := range tests {
		got, err := FromHeader(tc.header)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("FromHeader(%q) = %q, %v; want %q, %v", tc.header, got, err, tc.want, tc.err)
		}
	}
}

func TestValidRole(t *testing.T) {
	for role, want := range map[string]bool{"admin": true, "tender_owner": true, "partner": true, "root": false, "": false} {
		if got := ValidRole(role); got != want {
			t.Errorf("ValidRole(%q) = %v, want %v", role, got, want)
		}
	}
}
