// Package session signs people in to the pages with a bearer token (SPEC §8:
// "sign-in with a token") and protects the pages' forms against cross-site request
// forgery.
//
// It owns the session cookie, the server-side sessions behind it and the CSRF
// tokens of the forms. Signing in (SignIn) checks the token as the API does, then
// makes a session: a random 256-bit secret goes into the cookie (HttpOnly,
// SameSite=Lax, Path=/, Secure when the request came over TLS or through a trusted
// proxy that says https), and the Store keeps a digest of that secret with the
// hash of the token. Each later request (Middleware) finds the session, ends it
// when it has been idle for 8 hours, is 24 hours old, or its token has been
// revoked, has expired or is gone, and otherwise gives the page the token's role
// and profile (Current). Signing out (SignOut) deletes the session.
//
// Every POST, PUT, PATCH or DELETE behind RequireCSRF must carry the form's CSRF
// token (CSRFToken) in the form field csrf_token or the X-CSRF-Token header, and
// come from the same origin (net/http's CrossOriginProtection); otherwise it is
// refused with 403. A signed-in session has a token of its own; an anonymous form
// (register, sign in) gets a signed double-submit cookie whose value the form
// repeats.
//
// Sessions live in a Store: NewMemoryStore for one replica, bounded in number;
// NewSharedStore over the embedded store (internal/store) so that every replica
// over the same data shares them (and the key of the anonymous forms); a Redis or
// SQL store can implement the same interface.
//
// It never puts the bearer token, its hash or the session's secret anywhere but
// where they must be: the token is read once from the sign-in form and then only
// its hash is kept (in the Store); the cookie holds the session's secret and
// nothing else; the Store holds only a digest of that secret. It never logs a
// token or a secret, and it decides nothing about what a role may see or do: the
// pages do, from Current.
package session
