package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"samenspel/internal/profiles"
)

// A partner's ideas, registered so that it can show it had them first: the source
// text warns that dominant partners take over small providers' ideas, and a
// private field hides an idea but proves nothing.
//
//   - POST /v1/me/ideas {"text": "..."} (a partner's token): stores the idea for
//     the partner alone and answers 201 with a receipt {"id", "at", "sha256"}: a
//     random id nobody can guess, when, and the SHA-256 of the text's exact UTF-8
//     bytes, which the partner can keep or publish without the text.
//   - GET /v1/me/ideas: the partner's own receipts with their texts.
//   - POST /v1/ideas/verify {"receipt", "text"} (anyone): whether the text is the
//     one registered under the receipt, its digest compared in constant time; only
//     when it is, by which partner (id and name) and since when. An unknown
//     receipt answers as a text that does not match does, so the route tells
//     nothing about receipts to someone who lacks the text.
//
// The text is shown to its partner alone (and admins may read the store): never in
// any other answer, cache or log. Every answer that holds a text or a receipt is
// no-store.

// IdeaStore keeps the partners' ideas; *store.Store implements it.
type IdeaStore interface {
	AddIdea(ctx context.Context, profile, text string, now time.Time) (profiles.Idea, error)
	Ideas(ctx context.Context, profile string, limit, offset int) ([]profiles.Idea, int, error)
	IdeaByReceipt(ctx context.Context, id string) (profiles.Idea, error)
}

// maxIdeaText is the longest text of an idea, in characters.
const maxIdeaText = 10_000

// receiptView is an idea's receipt; its partner's list shows the text too.
type receiptView struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	SHA256 string    `json:"sha256"`
	Text   string    `json:"text,omitempty"`
}

// verification is the answer of POST /v1/ideas/verify: the partner and since when
// only when the text matches.
type verification struct {
	Receipt string       `json:"receipt"`
	Match   bool         `json:"match"`
	Partner *ideaPartner `json:"partner,omitempty"`
	At      *time.Time   `json:"at,omitempty"`
}

// ideaPartner names whose idea it is: public fields of its profile.
type ideaPartner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ideas is the store of ideas, or writes 503 when the server keeps none.
func (h *handlers) ideas(c *gin.Context) (IdeaStore, bool) {
	if h.d.Ideas == nil {
		fail(c, errUnavailable)
		return nil, false
	}
	return h.d.Ideas, true
}

// addIdea is POST /v1/me/ideas: a partner registers an idea and gets its receipt.
func (h *handlers) addIdea(c *gin.Context) {
	profile, ok := partner(c)
	if !ok {
		return
	}
	is, ok := h.ideas(c)
	if !ok {
		return
	}
	var req struct {
		Text string `json:"text" text:"multiline"`
	}
	if !decodeBody(c, &req) {
		return
	}
	if fe := ideaTextError("text", req.Text); fe != nil {
		fail(c, &profiles.ValidationError{Errors: []profiles.FieldError{*fe}})
		return
	}
	idea, err := is.AddIdea(c.Request.Context(), profile, req.Text, h.d.Now())
	if err != nil {
		fail(c, err)
		return
	}
	noStore(c)
	c.JSON(http.StatusCreated, receiptView{ID: idea.ID, At: idea.Created.UTC(), SHA256: idea.SHA256})
}

// myIdeas is GET /v1/me/ideas: the partner's receipts with their texts, newest
// first.
func (h *handlers) myIdeas(c *gin.Context) {
	profile, ok := partner(c)
	if !ok {
		return
	}
	is, ok := h.ideas(c)
	if !ok {
		return
	}
	limit, offset, err := page(c)
	if err != nil {
		fail(c, err)
		return
	}
	ideas, total, err := is.Ideas(c.Request.Context(), profile, limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]receiptView, len(ideas))
	for i, idea := range ideas {
		out[i] = receiptView{ID: idea.ID, At: idea.Created.UTC(), SHA256: idea.SHA256, Text: idea.Text}
	}
	noStore(c)
	c.JSON(http.StatusOK, gin.H{"ideas": out, "total": total})
}

// noDigest is compared against when a receipt is unknown, so that an unknown
// receipt takes the time a known one does: 64 characters that no hex digest has.
var noDigest = strings.Repeat("-", 64)

// verifyIdea is POST /v1/ideas/verify: whether a text is the one registered
// under a receipt.
func (h *handlers) verifyIdea(c *gin.Context) {
	is, ok := h.ideas(c)
	if !ok {
		return
	}
	var req struct {
		Receipt string `json:"receipt"`
		Text    string `json:"text" text:"multiline"`
	}
	if !decodeBody(c, &req) {
		return
	}
	var errs []profiles.FieldError
	switch {
	case req.Receipt == "":
		errs = append(errs, profiles.FieldError{Field: "receipt", Message: "required: the id of the receipt"})
	case !profiles.ValidIdeaID(req.Receipt):
		errs = append(errs, profiles.FieldError{Field: "receipt",
			Message: fmt.Sprintf("%s is not a receipt id: %s and 32 hex digits", profiles.Quote(req.Receipt), profiles.IdeaIDPrefix)})
	}
	if fe := ideaTextError("text", req.Text); fe != nil {
		errs = append(errs, *fe)
	}
	if len(errs) > 0 {
		fail(c, &profiles.ValidationError{Errors: errs})
		return
	}
	ctx := c.Request.Context()
	idea, err := is.IdeaByReceipt(ctx, req.Receipt)
	known := err == nil
	if err != nil && !errors.Is(err, profiles.ErrNotFound) {
		fail(c, err)
		return
	}
	want := noDigest
	if known {
		want = idea.SHA256
	}
	out := verification{Receipt: req.Receipt}
	out.Match = subtle.ConstantTimeCompare([]byte(profiles.IdeaDigest(req.Text)), []byte(want)) == 1 && known
	if out.Match {
		p, err := h.d.Store.GetProfile(ctx, idea.Profile)
		switch {
		case errors.Is(err, profiles.ErrNotFound): // deleted since, and its ideas with it
			out.Match = false
		case err != nil:
			fail(c, err)
			return
		default:
			at := idea.Created.UTC()
			out.Partner, out.At = &ideaPartner{ID: p.ID, Name: p.Name}, &at
		}
	}
	noStore(c)
	c.JSON(http.StatusOK, out)
}

// ideaTextError is what is wrong with the text of an idea, or nil: 1 to
// maxIdeaText characters, not only white space. The rules of text (valid UTF-8,
// no control characters but line breaks and tabs) are the decoder's. The text is
// never echoed.
func ideaTextError(field, text string) *profiles.FieldError {
	n := utf8.RuneCountInString(text)
	switch {
	case n == 0:
		return &profiles.FieldError{Field: field, Message: fmt.Sprintf("required: the idea's text, 1 to %d characters", maxIdeaText)}
	case n > maxIdeaText:
		return &profiles.FieldError{Field: field, Message: fmt.Sprintf("at most %d characters, got %d", maxIdeaText, n)}
	case strings.TrimSpace(text) == "":
		return &profiles.FieldError{Field: field, Message: "must hold more than white space"}
	}
	return nil
}
