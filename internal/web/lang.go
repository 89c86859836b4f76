package web

import (
	"net/http"
	"net/url"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Lang is a page language: Dutch, the default, or English.
type Lang string

// The languages of the pages.
const (
	NL Lang = "nl"
	EN Lang = "en"
)

// langs are the languages in the order of preference when nothing says otherwise.
var langs = []Lang{NL, EN}

// The language switch: a link adds langParam to the page's own address, and the
// choice is kept in langCookie for a year.
const (
	langParam     = "lang"
	langCookie    = "lang"
	langCookieAge = 365 * 24 * 60 * 60
)

// langMatcher is built when a page first needs it, not at every start of the binary.
var langMatcher = sync.OnceValue(func() language.Matcher {
	return language.NewMatcher([]language.Tag{language.Dutch, language.English})
})

// parseLang returns the language a value names, and whether it names one.
func parseLang(s string) (Lang, bool) {
	switch Lang(s) {
	case NL, EN:
		return Lang(s), true
	}
	return "", false
}

// negotiate picks the language of a request: the one its lang parameter asks for
// (the switch), else the one its cookie keeps, else the first guess from
// Accept-Language, else Dutch. fromParam reports that the parameter chose it, so
// that the cookie is set.
func negotiate(r *http.Request) (l Lang, fromParam bool) {
	if l, ok := parseLang(r.URL.Query().Get(langParam)); ok {
		return l, true
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := parseLang(c.Value); ok {
			return l, false
		}
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return NL, false
	}
	_, i, conf := langMatcher().Match(tags...)
	if conf == language.No {
		return NL, false
	}
	return langs[i], false
}

// other is the language the switch offers.
func (l Lang) other() Lang {
	if l == EN {
		return NL
	}
	return EN
}

// tag is the language's BCP 47 tag for x/text.
func (l Lang) tag() language.Tag {
	if l == EN {
		return language.English
	}
	return language.Dutch
}

// printer formats numbers in the language (120.000 in Dutch, 120,000 in English).
func (l Lang) printer() *message.Printer { return message.NewPrinter(l.tag()) }

// switchURL is the address of the same page in language l: the request's path and
// query with lang=l.
func switchURL(u *url.URL, l Lang) string {
	q := u.Query()
	q.Set(langParam, string(l))
	return u.Path + "?" + q.Encode()
}

// withoutLang is the query of u without the switch's parameter, for links that
// keep the page's other parameters (paging).
func withoutLang(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != langParam {
			out[k] = v
		}
	}
	return out
}
