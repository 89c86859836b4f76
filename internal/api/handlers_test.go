package api

import "samenspel/internal/store"

// withStores gives d the embedded store d.Store as every other store the routes
// need (jobs, notifications, webhooks, tokens, awards, ideas), as matcher serve
// does; a d.Store that is not the embedded store (a test's wrapper) leaves them
// unset, and those routes 503.
func withStores(d Deps) Deps {
	st, ok := d.Store.(*store.Store)
	if !ok {
		return d
	}
	if d.Jobs == nil {
		d.Jobs = st
	}
	if d.Notifications == nil {
		d.Notifications = st
	}
	if d.Webhooks == nil {
		d.Webhooks = st
	}
	if d.Tokens == nil {
		d.Tokens = st
	}
	if d.Awards == nil {
		d.Awards = st
	}
	if d.Ideas == nil {
		d.Ideas = st
	}
	return d
}
