package api

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Media types of request bodies (SPEC §8): the API's JSON, and JSON Merge Patch
// (RFC 7396), which PATCH takes as well.
const (
	mediaJSON       = "application/json"
	mediaMergePatch = "application/merge-patch+json"
)

// bodyMedia are the media types each method that carries a body may send. Other
// methods are not checked.
var bodyMedia = map[string][]string{
	http.MethodPost:  {mediaJSON},
	http.MethodPut:   {mediaJSON},
	http.MethodPatch: {mediaJSON, mediaMergePatch},
}

// requireJSON refuses, with 415, a POST, PUT or PATCH whose body is not of a media
// type its method takes (bodyMedia; parameters such as charset are allowed). This
// is what keeps other web sites out: a page can make its visitor's browser send a
// form or a text/plain body to any address without asking, but a JSON body only
// after a CORS preflight, which this API never grants.
//
// A request without a body is not checked, so that a route that takes none
// (POST .../confirmation, .../interest) needs no Content-Type; a body of unknown
// length (chunked) is read one byte ahead to tell.
func requireJSON() gin.HandlerFunc {
	return func(c *gin.Context) {
		allowed, checked := bodyMedia[c.Request.Method]
		if !checked || !hasBody(c.Request) {
			c.Next()
			return
		}
		mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
		for _, a := range allowed {
			if err == nil && strings.EqualFold(mt, a) {
				c.Next()
				return
			}
		}
		if c.Request.Method == http.MethodPatch {
			c.Header("Accept-Patch", strings.Join(allowed, ", ")) // RFC 5789 §2.2
		}
		writeProblem(c, newProblem(http.StatusUnsupportedMediaType,
			"the body must be "+strings.Join(allowed, " or ")+" (a Content-Type header saying so)"))
	}
}

// hasBody reports whether r has a body of at least one byte. A body of unknown
// length is read one byte ahead, and that byte put back.
func hasBody(r *http.Request) bool {
	switch {
	case r.Body == nil || r.Body == http.NoBody:
		return false
	case r.ContentLength > 0:
		return true
	case r.ContentLength == 0:
		return false
	}
	var first [1]byte
	n, err := io.ReadFull(r.Body, first[:])
	if n == 0 && err == io.EOF {
		return false
	}
	r.Body = readCloser{io.MultiReader(bytes.NewReader(first[:n]), r.Body), r.Body}
	return true
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}
