package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// answerDeadline is the longest an answer may take: the server's request deadline
// (request_timeout, 10 s by default) and a margin for writing it. A later one is an
// unexpected answer, whatever its status.
const answerDeadline = 12 * time.Second

// result is what a run measured and which promises it saw broken.
type result struct {
	phases   []phaseResult
	notes    []string // what the fault phases saw, in words
	failures []string
}

type phaseResult struct {
	name   string
	rate   int // requests a second asked for; 0 is as fast as the connections go
	routes map[string]*routeResult
}

type routeResult struct {
	m          vegeta.Metrics
	unexpected int
	busy       int // 503 with Retry-After: the replica at its cap of heavy work
	sample     string
}

func (r *result) fail(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// execute runs the plan: the embedded default first, then (unless left out) the
// matcher with Redis.
func execute(ctx context.Context, p plan, bin string, progress io.Writer) (*result, error) {
	dir, err := os.MkdirTemp("", "samenspel-loadtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if bin == "" {
		fmt.Fprintln(progress, "loadtest: building ./cmd/matcher")
		if bin, err = buildMatcher(ctx, dir); err != nil {
			return nil, err
		}
	}
	res := &result{}
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	if err := embedded(ctx, p, bin, filepath.Join(dir, "embedded"), run, res, progress); err != nil {
		return res, err
	}
	if p.redis {
		if err := withRedis(ctx, p, bin, filepath.Join(dir, "redis"), run, res, progress); err != nil {
			return res, err
		}
	}
	return res, nil
}

// embedded is the run on the embedded default: cached suggestions as fast as they
// go, the mixed traffic at rising rates, slow clients, and kills during
// registrations.
func embedded(ctx context.Context, p plan, bin, dir, run string, res *result, progress io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m, err := newMatcher(bin, dir)
	if err != nil {
		return err
	}
	if err := m.start(ctx); err != nil {
		return err
	}
	defer m.stop()
	c := newClient(m.url(), run)
	if err := c.prepare(ctx, 8); err != nil {
		return err
	}
	c.warm(ctx)

	fmt.Fprintln(progress, "loadtest: cached suggestions, as fast as the connections go")
	res.phases = append(res.phases, attack(ctx, c, res, "embedded: cached suggestions", routeCached, 0, p.cached, p.connections, true))
	for _, rate := range p.rates {
		fmt.Fprintf(progress, "loadtest: mixed traffic at %d/s\n", rate)
		res.phases = append(res.phases, attack(ctx, c, res, "embedded: mixed", "", rate, p.step, p.connections, true))
	}

	fmt.Fprintf(progress, "loadtest: %d slow clients\n", p.slow)
	slow := holdSlow(ctx, m.addr, p.slow, p.slowFor)
	res.phases = append(res.phases, attack(ctx, c, res, fmt.Sprintf("embedded: mixed, %d slow clients", p.slow), "", p.rates[0], p.slowFor, p.connections, true))
	held := <-slow
	res.notes = append(res.notes, held.String())
	if held.open > 0 {
		res.fail("%d of %d slow clients still held their connection after %s: the server must close a connection whose header does not arrive", held.open, held.total, p.slowFor)
	}

	fmt.Fprintf(progress, "loadtest: %d kills with SIGKILL during registrations\n", p.kills)
	if err := killDuringWrites(ctx, c, m, p, res); err != nil {
		return err
	}
	c.verify(ctx, res)
	checkLog(m, c.canary, res)
	return nil
}

// withRedis is the run with Redis for cache and coordination, through its faults:
// a quarter up, a quarter frozen (SIGSTOP), a quarter killed, a quarter back.
func withRedis(ctx context.Context, p plan, bin, dir, run string, res *result, progress io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r, err := newRedis(dir)
	if err != nil {
		return err
	}
	if err := r.start(); err != nil {
		return err
	}
	defer r.kill()
	m, err := newMatcher(bin, dir, "SAMENSPEL_REDIS_URL="+r.url())
	if err != nil {
		return err
	}
	if err := m.start(ctx); err != nil {
		return err
	}
	defer m.stop()
	c := newClient(m.url(), run+"r")
	if err := c.prepare(ctx, 8); err != nil {
		return err
	}
	c.warm(ctx)
	quarter := p.redisFor / 4
	rate := p.rates[0]
	steps := []struct {
		name  string
		fault func() error
	}{
		{"redis up", func() error { return nil }},
		{"redis frozen (SIGSTOP)", func() error { r.signal(syscall.SIGSTOP); return nil }},
		{"redis killed", func() error { r.kill(); return nil }},
		{"redis restarted", r.start},
	}
	for _, s := range steps {
		fmt.Fprintf(progress, "loadtest: mixed traffic at %d/s, %s\n", rate, s.name)
		if err := s.fault(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		res.phases = append(res.phases, attack(ctx, c, res, "with Redis: "+s.name, "", rate, quarter, p.connections, false))
		if s.name == "redis up" {
			checkRedis(ctx, r.url(), c.canary, res) // before the kill empties it
		}
	}
	c.verify(ctx, res)
	checkLog(m, c.canary, res)
	checkRedis(ctx, r.url(), c.canary, res)
	return nil
}

// warm asks every tender's suggestions once, so that the cached phase is cached.
func (c *client) warm(ctx context.Context) {
	for _, id := range c.ids {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/tenders/"+id+"/coalitions", nil)
		if resp, err := c.http.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}

// attack runs one phase and checks every answer as it arrives: its status, that no
// canary is in it, and, for a registration, that it is recorded as acknowledged.
//
// busyOK says whether a 503 with Retry-After (the replica at its cap of heavy work)
// is an answer the phase may get: under rising load it is, but a fault of Redis
// must cause no 5xx at all.
func attack(ctx context.Context, c *client, res *result, name, only string, rate int, d time.Duration, conns int, busyOK bool) phaseResult {
	workers := uint64(conns)
	a := vegeta.NewAttacker(vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.Workers(workers), vegeta.MaxWorkers(workers), vegeta.KeepAlive(true),
		vegeta.Timeout(30*time.Second), vegeta.MaxBody(1<<20))
	stop := context.AfterFunc(ctx, func() { a.Stop() })
	defer stop()
	pr := phaseResult{name: name, rate: rate, routes: map[string]*routeResult{}}
	canary := []byte(c.canary)
	leaks := 0
	for r := range a.Attack(c.targeter(only), vegeta.Rate{Freq: rate, Per: time.Second}, d, name) {
		route := routeOf(r)
		rr := pr.routes[route]
		if rr == nil {
			rr = &routeResult{}
			pr.routes[route] = rr
		}
		rr.m.Add(r)
		switch {
		case busy(r) && busyOK && expected(route, r):
			rr.busy++
		case !expected(route, r) || busy(r) || r.Latency > answerDeadline:
			rr.unexpected++
			if rr.sample == "" {
				rr.sample = fmt.Sprintf("%d after %s %s %.160s", r.Code, r.Latency.Round(time.Millisecond), r.Error, r.Body)
			}
		}
		if bytes.Contains(r.Body, canary) {
			leaks++
		}
		if route == routeRegister && r.Code == http.StatusCreated {
			if _, err := c.ack(r.Body); err != nil {
				res.fail("%s: %v", name, err)
			}
		}
	}
	for route, rr := range pr.routes {
		rr.m.Close()
		if rr.unexpected > 0 {
			res.fail("%s, %s: %d unexpected answers, e.g. %s", name, route, rr.unexpected, rr.sample)
		}
	}
	if leaks > 0 {
		res.fail("%s: the canary was in %d public answers", name, leaks)
	}
	return pr
}

// slowResult is what the slow clients saw.
type slowResult struct {
	total, open int
	closedAfter time.Duration // the longest a slow client was held before the server closed it
}

func (s slowResult) String() string {
	return fmt.Sprintf("slow clients: %d opened a connection and sent a header a byte a second; the server closed %d of them, the last after %s",
		s.total, s.total-s.open, s.closedAfter.Round(100*time.Millisecond))
}

// holdSlow opens n connections that send a request header one byte a second, as a
// slowloris would, for at most d, and reports how many the server closed.
func holdSlow(ctx context.Context, addr string, n int, d time.Duration) <-chan slowResult {
	out := make(chan slowResult, 1)
	go func() {
		var mu sync.Mutex
		res := slowResult{total: n}
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				closed := slowClient(ctx, addr, d)
				mu.Lock()
				defer mu.Unlock()
				if !closed {
					res.open++
				} else if t := time.Since(start); t > res.closedAfter {
					res.closedAfter = t
				}
			}()
		}
		wg.Wait()
		out <- res
	}()
	return out
}

// slowClient reports whether the server closed the connection within d.
func slowClient(ctx context.Context, addr string, d time.Duration) bool {
	conn, err := (&netDialer).DialContext(ctx, "tcp", addr)
	if err != nil {
		return true // refused: not held either
	}
	defer conn.Close()
	deadline := time.Now().Add(d)
	header := "GET /v1/taxonomy HTTP/1.1\r\nHost: samenspel\r\nX-Slow: " + strings.Repeat("a", 600)
	for i := 0; time.Now().Before(deadline); i++ {
		conn.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := conn.Write([]byte{header[i%len(header)]}); err != nil {
			return true
		}
		// A closed connection shows on a read: the server's close, or its 408.
		conn.SetReadDeadline(time.Now().Add(time.Second))
		buf := make([]byte, 512)
		if _, err := conn.Read(buf); err == nil || !isTimeout(err) {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
	}
	return false
}

// killDuringWrites kills the matcher with SIGKILL while registrations stream in,
// starts it again on the same data, retries the registrations that were in flight
// with their Idempotency-Key and checks every acknowledged one.
func killDuringWrites(ctx context.Context, c *client, m *matcher, p plan, res *result) error {
	total, inflight := 0, 0
	for k := 0; k < p.kills; k++ {
		kctx, cancel := context.WithCancel(ctx)
		var mu sync.Mutex
		pending := map[string][]byte{} // id → body: sent, not acknowledged
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; kctx.Err() == nil; i++ {
					id := fmt.Sprintf("%s-kill%d-w%d-%d", c.run, k, w, i)
					doc := c.profileDoc(id, "Wij zijn er ook na een crash.", false, false)
					mu.Lock()
					pending[id] = doc
					mu.Unlock()
					if _, err := c.register(kctx, id, doc, "reg-"+id); err != nil {
						if se, ok := err.(*statusError); ok {
							res.fail("a registration during writes answered %d: %.160s", se.code, se.body)
						}
						return // the connection broke: the server is gone
					}
					mu.Lock()
					delete(pending, id)
					total++
					mu.Unlock()
				}
			}()
		}
		time.Sleep(p.killAfter)
		m.kill()
		cancel()
		wg.Wait()
		if err := m.start(ctx); err != nil {
			return fmt.Errorf("restart after kill %d: %w", k+1, err)
		}
		for id, doc := range pending {
			inflight++
			if _, err := c.register(ctx, id, doc, "reg-"+id); err != nil {
				res.fail("kill %d: the retry of %s, in flight at the kill, failed: %v", k+1, id, err)
			}
		}
	}
	res.notes = append(res.notes, fmt.Sprintf("kills: %d with SIGKILL during registrations from 8 writers; %d registrations acknowledged before a kill, %d in flight at a kill and retried with their Idempotency-Key",
		p.kills, total, inflight))
	return nil
}

// verify checks every acknowledged registration: its profile is there and its token
// works.
func (c *client) verify(ctx context.Context, res *result) {
	c.mu.Lock()
	acked := make([]partner, 0, len(c.acked))
	for _, p := range c.acked {
		acked = append(acked, p)
	}
	c.mu.Unlock()
	sort.Slice(acked, func(i, j int) bool { return acked[i].id < acked[j].id })
	lost, tokens := 0, 0
	for _, p := range acked {
		if code := c.status(ctx, "/v1/profiles/"+p.id, ""); code != http.StatusOK {
			lost++
			if lost <= 3 {
				res.fail("acknowledged registration %s: GET answers %d", p.id, code)
			}
			continue
		}
		if code := c.status(ctx, "/v1/me/notifications", p.token); code != http.StatusOK {
			tokens++
			if tokens <= 3 {
				res.fail("acknowledged registration %s: its token gets %d", p.id, code)
			}
		}
	}
	res.notes = append(res.notes, fmt.Sprintf("writes: %d registrations acknowledged at %s, %d lost, %d with a token that does not work", len(acked), c.base, lost, tokens))
	if lost > 3 || tokens > 3 {
		res.fail("in all %d acknowledged registrations lost and %d tokens refused", lost, tokens)
	}
}

func (c *client) status(ctx context.Context, path, token string) int {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// checkLog fails the run when the canary is in the server's log.
func checkLog(m *matcher, canary string, res *result) {
	log, err := m.logText()
	if err != nil {
		res.fail("read the matcher's log: %v", err)
		return
	}
	if n := bytes.Count(log, []byte(canary)); n > 0 {
		res.fail("the canary is in the matcher's log %d times", n)
	}
}

// checkRedis fails the run when the canary is in a Redis key or value.
func checkRedis(ctx context.Context, url, canary string, res *result) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		res.fail("redis url: %v", err)
		return
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	keys, found := 0, 0
	iter := rdb.Scan(ctx, 0, "*", 500).Iterator()
	for iter.Next(ctx) {
		keys++
		key := iter.Val()
		if strings.Contains(key, canary) || strings.Contains(redisValue(ctx, rdb, key), canary) {
			found++
		}
	}
	if err := iter.Err(); err != nil {
		res.fail("scan Redis: %v", err)
		return
	}
	res.notes = append(res.notes, fmt.Sprintf("redis: %d keys after the run, the canary in %d", keys, found))
	if found > 0 {
		res.fail("the canary is in %d Redis keys or values", found)
	}
}

// redisValue is a key's value as text, whatever its type (DUMP would not do: its
// strings may be compressed).
func redisValue(ctx context.Context, rdb *redis.Client, key string) string {
	var vals []string
	switch rdb.Type(ctx, key).Val() {
	case "string":
		vals = []string{rdb.Get(ctx, key).Val()}
	case "hash":
		for k, v := range rdb.HGetAll(ctx, key).Val() {
			vals = append(vals, k, v)
		}
	case "list":
		vals = rdb.LRange(ctx, key, 0, -1).Val()
	case "set":
		vals = rdb.SMembers(ctx, key).Val()
	case "zset":
		vals = rdb.ZRange(ctx, key, 0, -1).Val()
	case "stream":
		for _, m := range rdb.XRange(ctx, key, "-", "+").Val() {
			vals = append(vals, fmt.Sprint(m.Values))
		}
	}
	return strings.Join(vals, "\n")
}
