// Package api is Samenspel's HTTP interface (SPEC §8), built on Gin: one route table,
// thin handlers that bind, validate, call the domain and render, and errors as
// application/problem+json (RFC 9457) mapped from sentinel errors in one place.
//
// It follows the NL API Design Rules: /v1 in the path, an API-Version header on every
// response, no trailing slashes (they are not redirected), and an OpenAPI 3.0
// document at /openapi.json that a test keeps equal to the routes served.
//
// Every body is read strictly, by the document decoders of internal/profiles or by
// profiles.DecodeJSON (a key given twice or in other case, an unknown field, a
// wrong type or broken text is a 422 naming the field), and only when it says it
// is JSON (requireJSON: 415 otherwise), so that no other web site can make a
// browser send one.
//
// Every request has a deadline (Deps.RequestTimeout) that the domain receives in its
// context: a search still running then answers with what it found (SPEC §6), and
// the access log records how each request ended and whether its answer was
// written. A replica busy with heavy computations answers 503 with Retry-After.
//
// The HTML pages for people are not the API's: internal/web builds them, and serve
// hands them over as Deps.Pages, whose routes go on this engine behind the same
// middleware and whose error pages answer browsers outside /v1 (Pages). This
// package never imports internal/web.
//
// It never lets *gin.Context reach domain code, never logs a request body, a token
// or a private field, and keeps no global state: everything comes in through Deps.
package api
