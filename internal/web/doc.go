// Package web is Samenspel's pages for people: the HTML that a residents' group or a
// municipal programme manager reads in a browser, beside the API on the same server
// (SPEC §8). It owns the page routes, their templates (Go html/template), their
// assets (the NL Design System's vendored CSS and the pages' own stylesheet, all
// embedded), and their two languages: Dutch by default, English on request, every
// taxonomy label, money, number, date, warning and error page in the page's
// language.
//
// It sits beside internal/api, not on it: cmd/matcher builds it and hands it to
// api.New as api.Deps.Pages, which mounts its routes on the API's engine, so that
// pages and API share the request ids, access log, deadlines, metrics and rate
// limits, and which asks it for the HTML error page of a browser's request outside
// the API. It reads through its own small interfaces (Store, Suggester, Areas) and
// never imports internal/api's handlers.
//
// Why (not) a partner (SPEC §6) has its page, /tenders/{id}/fit/{profile} (fit.go),
// for whoever the API's fit route answers (anyone: the answer is public fields),
// linked where it matters to the visitor; its computation is the API's
// (Suggester.Fit), with the same bounds and refusals.
//
// The forms (registration, signing in and out) need sessions and CSRF tokens,
// which Deps.Sessions brings (internal/web/session); without it the site has no
// form and every page is anonymous and read-only.
//
// What it must never do:
//   - show a profile's contact or private fields to anyone but those SPEC §2 allows:
//     profiles are made public (profiles.Profile.Public) as they are read, before
//     any template sees them, and only the profile page adds the contact for its
//     owner, tender owners and admins and the private notes for its owner and
//     admins, on a page no cache keeps;
//   - need JavaScript to work: every page is plain HTML and forms, and the
//     Content-Security-Policy allows no script and no inline style at all;
//   - show a raw code where a name exists (taxonomy labels, area names), or a number
//     in the engine's form (0.8999999999999999) where people read it.
package web
