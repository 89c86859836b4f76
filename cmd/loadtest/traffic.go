package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// The routes of the mixed traffic, and the share of each in twenty requests: mostly
// cached suggestions (what the public pages read), then search, unsaved matches (a
// cache miss every time), registrations and updates of a partner's own profile.
const (
	routeCached   = "suggestions (cached)"
	routeMatch    = "match (not cached)"
	routeSearch   = "search"
	routeRegister = "register"
	routeUpdate   = "update (PUT)"
)

var mix = []string{
	routeCached, routeSearch, routeCached, routeCached, routeRegister,
	routeCached, routeSearch, routeCached, routeMatch, routeCached,
	routeCached, routeSearch, routeCached, routeUpdate, routeCached,
	routeCached, routeSearch, routeCached, routeMatch, routeRegister,
}

// words the search route looks for: names, labels and prefixes.
var words = []string{"buurt", "schuldhulp", "zorg", "jongeren", "eenzaamheid", "sport", "taal", "wijk"}

// partner is a profile the harness registered, with the token it got back.
type partner struct {
	id, token string
}

// client is the harness's side of the traffic: what it knows of the server (the
// tenders), what it wrote (its acknowledged registrations) and the canary it looks
// for in everything that comes back.
type client struct {
	base    string
	canary  string
	tenders []json.RawMessage // the example tenders, whole, for /v1/match
	ids     []string          // their ids, for the cached suggestions
	run     string            // a prefix that makes this run's ids unique
	seq     atomic.Uint64

	mu     sync.Mutex
	acked  map[string]partner // id → partner: every registration answered 201
	owners []partner          // the partners the update route writes as
	http   *http.Client
}

func newClient(base, run string) *client {
	return &client{base: base, run: run, canary: "canary-" + run + "-Zq7",
		acked: map[string]partner{}, http: &http.Client{Timeout: 30 * time.Second}}
}

// profileDoc is a registration of a small residents' group in Overvecht. A
// candidate offers meals and home visits, which the Overvecht example tender needs,
// so that its writes change that tender's suggestions (the canary, the partners
// the update route writes as); the thousands of other registrations offer what no
// example tender needs, so that the pools stay the size of a city's while they
// stream in, as most of a real city's registrations are no candidates of a given
// tender.
func (c *client) profileDoc(id, description string, candidate, private bool) []byte {
	instruments := map[string]float64{"digital_skills": 0.5, "transport": 0.25}
	if candidate {
		instruments = map[string]float64{"meals": 0.5, "home_visits": 0.25}
	}
	doc := map[string]any{
		"id": id, "name": "Bewonersgroep " + id, "kind": "residents_group", "size": "small",
		"new_provider": true, "can_lead": false, "areas": []string{"WK034403"},
		"instruments": instruments, "themes": []string{"loneliness"}, "description": description,
	}
	if private {
		doc["contact"] = map[string]string{"email": c.canary + "@example.org", "person": c.canary}
		doc["private"] = map[string]string{"idee": "Ons idee " + c.canary + ": een wijkrestaurant."}
	}
	b, _ := json.Marshal(doc)
	return b
}

// prepare learns the tenders, registers the canary (a profile whose contact and
// private ideas hold the canary) and the partners the update route writes as.
func (c *client) prepare(ctx context.Context, owners int) error {
	var list struct {
		Tenders []json.RawMessage `json:"tenders"`
	}
	if err := c.getJSON(ctx, "/v1/tenders", &list); err != nil {
		return err
	}
	for _, raw := range list.Tenders {
		var v struct {
			Tender json.RawMessage `json:"tender"`
			Closed bool            `json:"closed"`
		}
		var t struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &v) == nil && !v.Closed && json.Unmarshal(v.Tender, &t) == nil && t.ID != "" {
			c.ids = append(c.ids, t.ID)
			c.tenders = append(c.tenders, v.Tender)
		}
	}
	if len(c.ids) == 0 {
		return fmt.Errorf("GET /v1/tenders: no tenders (the example data should have six)")
	}
	if _, err := c.register(ctx, c.run+"-canary", c.profileDoc(c.run+"-canary", "Wij koken voor de buurt.", true, true), ""); err != nil {
		return fmt.Errorf("register the canary: %w", err)
	}
	for i := 0; i < owners; i++ {
		id := fmt.Sprintf("%s-owner-%d", c.run, i)
		p, err := c.register(ctx, id, c.profileDoc(id, "Wij bezoeken ouderen.", true, false), "")
		if err != nil {
			return err
		}
		c.owners = append(c.owners, p)
	}
	return nil
}

func (c *client) getJSON(ctx context.Context, path string, v any) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s = %d", path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// register posts one registration; key, when set, is its Idempotency-Key. A 201 is
// recorded as acknowledged.
func (c *client) register(ctx context.Context, id string, doc []byte, key string) (partner, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v1/profiles", bytes.NewReader(doc))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return partner{}, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return partner{}, err
	}
	if resp.StatusCode != http.StatusCreated {
		return partner{}, &statusError{route: routeRegister, code: resp.StatusCode, body: body}
	}
	p, err := c.ack(body)
	if err != nil {
		return partner{}, err
	}
	if p.id != id {
		return partner{}, fmt.Errorf("registered %q, answer names %q", id, p.id)
	}
	return p, nil
}

// ack records a 201 answer to a registration.
func (c *client) ack(body []byte) (partner, error) {
	var created struct {
		Profile struct {
			ID string `json:"id"`
		} `json:"profile"`
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &created); err != nil || created.Profile.ID == "" || created.Token == "" {
		return partner{}, fmt.Errorf("a 201 to a registration without profile id and token: %.200s", body)
	}
	p := partner{id: created.Profile.ID, token: created.Token}
	c.mu.Lock()
	c.acked[p.id] = p
	c.mu.Unlock()
	return p, nil
}

type statusError struct {
	route string
	code  int
	body  []byte
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s answered %d: %.200s", e.route, e.code, e.body)
}

// targeter yields the mixed traffic, or only one route when only is set.
func (c *client) targeter(only string) vegeta.Targeter {
	return func(t *vegeta.Target) error {
		n := c.seq.Add(1)
		route := only
		if route == "" {
			route = mix[n%uint64(len(mix))]
		}
		*t = vegeta.Target{Header: http.Header{}}
		switch route {
		case routeCached:
			t.Method = http.MethodGet
			t.URL = c.base + "/v1/tenders/" + url.PathEscape(c.ids[n%uint64(len(c.ids))]) + "/coalitions"
		case routeSearch:
			t.Method = http.MethodGet
			t.URL = c.base + "/v1/profiles?q=" + url.QueryEscape(words[n%uint64(len(words))]) + "&limit=20"
		case routeMatch:
			// An unsaved tender: an example one with one weight changed, so no two
			// are alike and none is cached.
			var doc map[string]any
			_ = json.Unmarshal(c.tenders[n%uint64(len(c.tenders))], &doc)
			if needs, ok := doc["needs"].([]any); ok && len(needs) > 0 {
				if need, ok := needs[0].(map[string]any); ok {
					need["weight"] = 0.5 + float64(n%90)/10
				}
			}
			doc["id"] = fmt.Sprintf("%s-match-%d", c.run, n)
			t.Method, t.URL = http.MethodPost, c.base+"/v1/match?top=5"
			t.Body, _ = json.Marshal(doc)
			t.Header.Set("Content-Type", "application/json")
		case routeRegister:
			id := fmt.Sprintf("%s-reg-%d", c.run, n)
			t.Method, t.URL = http.MethodPost, c.base+"/v1/profiles"
			t.Body = c.profileDoc(id, "Wij helpen met boodschappen.", false, false)
			t.Header.Set("Content-Type", "application/json")
		case routeUpdate:
			p := c.owners[n%uint64(len(c.owners))]
			t.Method, t.URL = http.MethodPut, c.base+"/v1/profiles/"+url.PathEscape(p.id)
			t.Body = c.profileDoc(p.id, fmt.Sprintf("Wij bezoeken ouderen (versie %d).", n), true, false)
			t.Header.Set("Content-Type", "application/json")
			t.Header.Set("Authorization", "Bearer "+p.token)
		}
		return nil
	}
}

// routeOf names the route of a result from its method and URL.
func routeOf(r *vegeta.Result) string {
	path := r.URL
	if u, err := url.Parse(r.URL); err == nil {
		path = u.Path
	}
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/coalitions"):
		return routeCached
	case r.Method == http.MethodPost && path == "/v1/match":
		return routeMatch
	case r.Method == http.MethodGet && path == "/v1/profiles":
		return routeSearch
	case r.Method == http.MethodPost && path == "/v1/profiles":
		return routeRegister
	case r.Method == http.MethodPut:
		return routeUpdate
	}
	return r.Method + " " + path
}

// expected says whether a result is what its route promises: its success status,
// or 503 with Retry-After where a replica may refuse heavy work at its cap.
func expected(route string, r *vegeta.Result) bool {
	switch route {
	case routeRegister:
		return r.Code == http.StatusCreated
	case routeMatch:
		return r.Code == http.StatusOK || busy(r)
	case routeCached:
		return r.Code == http.StatusOK || busy(r)
	}
	return r.Code == http.StatusOK
}

func busy(r *vegeta.Result) bool {
	return r.Code == http.StatusServiceUnavailable && r.Headers.Get("Retry-After") != ""
}
