package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/gin-gonic/gin"

	"samenspel/internal/profiles"
)

// Conditional writes and merge patches (SPEC §8): GETs of a profile or a tender
// carry a strong ETag, PUT and PATCH honour If-Match, and PATCH takes a JSON Merge
// Patch (RFC 7396) of the stored document.
//
// An ETag names a representation, and a profile has several (what its owner and
// admins see, what tender owners see, the public fields). The tag of the view that
// shows the whole record, the owner's and an admin's, is the stored record's
// version (profiles.Record.Version), and If-Match compares against that
// version, inside the write's transaction: only the profile's owner and admins
// write it, and they see it whole. The other views are tagged by a digest of
// their own body, so that their tag says nothing about fields they do not show;
// such a tag never matches a write. A tender has one view for everyone, tagged by
// its version.

// ifMatch reads the If-Match header: nil when there is none or it is "*" (the
// write needs the document to exist, which it does anyway), otherwise the
// versions named by its strong entity tags (a weak tag never matches: If-Match
// compares strongly). A header that is no list of entity tags is answered with
// 400, and ok is false.
func ifMatch(c *gin.Context) (versions []string, ok bool) {
	v := strings.TrimSpace(strings.Join(c.Request.Header.Values("If-Match"), ","))
	if v == "" || v == "*" {
		return nil, true
	}
	versions = []string{}
	for tag := range strings.SplitSeq(v, ",") {
		tag = strings.TrimSpace(tag)
		weak := strings.HasPrefix(tag, "W/")
		opaque := strings.TrimPrefix(tag, "W/")
		if len(opaque) < 2 || opaque[0] != '"' || opaque[len(opaque)-1] != '"' || strings.Contains(opaque[1:len(opaque)-1], `"`) {
			fail(c, badParam("the If-Match header cannot be read", "If-Match", `must be "*" or entity tags ("...") separated by commas, as ETag gives them`))
			return nil, false
		}
		if !weak {
			versions = append(versions, opaque[1:len(opaque)-1])
		}
	}
	return versions, true
}

// writeProfile answers with rec as pr may see it, with its ETag. An answer that
// shows contact or private fields is no-store.
func writeProfile(c *gin.Context, status int, rec profiles.Record, pr principal) {
	view := recordView(rec, pr)
	b, err := json.Marshal(view)
	if err != nil {
		fail(c, err)
		return
	}
	tag := rec.Version
	if !pr.SeesWhole(rec.Profile.ID) {
		sum := sha256.Sum256(b)
		tag = hex.EncodeToString(sum[:16])
	}
	c.Header("ETag", `"`+tag+`"`)
	c.Header("Vary", "Authorization") // the views differ by who asks
	if view.Contact != nil || len(view.Private) > 0 {
		noStore(c)
	}
	c.Data(status, "application/json; charset=utf-8", b)
}

// writeTender answers with rec and its ETag, its version.
func writeTender(c *gin.Context, status int, rec profiles.TenderRecord) {
	c.Header("ETag", `"`+rec.Version+`"`)
	c.JSON(status, viewOf(rec))
}

// mergePatch is the body of a PATCH: a JSON Merge Patch, which must be an object
// (a patch that is not one would replace the whole document). On failure the
// response is written and ok is false. The Content-Type is
// application/merge-patch+json or application/json; which types are accepted at
// all is for the middleware in front of every JSON route.
func mergePatch(c *gin.Context) (patch []byte, ok bool) {
	b, err := body(c)
	if err == nil {
		// The strict decoder refuses a key given twice at any depth and text that
		// is not valid UTF-8; the merged document is decoded strictly again.
		var obj map[string]any
		if err = profiles.DecodeJSON(b, &obj); errors.Is(err, profiles.ErrMalformed) || (err == nil && obj == nil) {
			err = fmt.Errorf("%w: a merge patch (RFC 7396) is one JSON object", profiles.ErrMalformed)
		}
	}
	if err != nil {
		fail(c, err)
		return nil, false
	}
	return b, true
}

// applyPatch merges patch into the JSON document of v (RFC 7396).
func applyPatch(v any, patch []byte) ([]byte, error) {
	doc, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	merged, err := jsonpatch.MergePatch(doc, patch)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", profiles.ErrMalformed, err)
	}
	return merged, nil
}
