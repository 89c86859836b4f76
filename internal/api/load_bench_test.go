package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"samenspel/config"
	"samenspel/internal/cache"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/redistest"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
	"samenspel/internal/synth"
)

// loadConns is the number of concurrent connections of the load generator.
const loadConns = 32

// loadRounds is how many turns a server and the bare handler take when they are
// measured side by side.
const loadRounds = 10

// load sends b.N GET requests to url over loadConns connections and reports
// throughput and the 50th and 99th percentile latency.
//
// When bare is set, it also sends as many requests to the bare handler at bare, in
// turns with url (a tenth of them at a time), and reports url's throughput as a
// fraction of the bare handler's over the same stretch of time ("x-bare"): the
// machine is shared, and a ratio of two runs made seconds apart measures the
// neighbours as much as the servers.
func load(b *testing.B, url, bare string) {
	b.Helper()
	target, reference := newLoadClient(url), newLoadClient(bare)
	defer target.close()
	defer reference.close()
	b.ResetTimer()
	if bare == "" {
		target.send(b, b.N)
	} else {
		for r := range loadRounds {
			n := b.N*(r+1)/loadRounds - b.N*r/loadRounds // b.N in all
			target.send(b, n)
			reference.send(b, n)
		}
	}
	b.StopTimer()
	lat := target.lat
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/target.elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	if bare != "" {
		ratio := float64(len(target.lat)) / target.elapsed.Seconds() / (float64(len(reference.lat)) / reference.elapsed.Seconds())
		b.ReportMetric(ratio, "x-bare")
	}
}

// loadClient sends requests to one URL over loadConns connections of its own, and
// keeps the time it took and the latency of every request.
type loadClient struct {
	url     string
	tr      *http.Transport
	client  *http.Client
	lat     []time.Duration
	elapsed time.Duration
}

func newLoadClient(url string) *loadClient {
	tr := &http.Transport{MaxIdleConnsPerHost: loadConns, MaxConnsPerHost: loadConns}
	return &loadClient{url: url, tr: tr, client: &http.Client{Transport: tr}}
}

func (l *loadClient) close() { l.tr.CloseIdleConnections() }

// send sends n requests, loadConns at a time.
func (l *loadClient) send(b *testing.B, n int) {
	lat := make([]time.Duration, n)
	var next sync.Mutex
	i := 0
	start := time.Now()
	var wg sync.WaitGroup
	for range loadConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= n {
					return
				}
				t0 := time.Now()
				resp, err := l.client.Get(l.url)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				lat[k] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	l.elapsed += time.Since(start)
	l.lat = append(l.lat, lat...)
}

// cacheMisses is the number of suggestion cache misses m counted.
func cacheMisses(b *testing.B, m *Metrics) float64 {
	b.Helper()
	mfs, err := m.reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "samenspel_suggestion_cache_total" {
			continue
		}
		for _, mt := range mf.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == "miss" {
					return mt.GetCounter().GetValue()
				}
			}
		}
	}
	b.Fatal("no samenspel_suggestion_cache_total{result=\"miss\"}")
	return 0
}

// BenchmarkCachedSuggestionsHTTP: cached suggestions over loopback at 32
// connections, with the in-process cache and with Redis, next to a bare net/http
// handler serving the same bytes. Goal: p99 under 10 ms and at least 0.8 of the
// bare handler's throughput (x-bare, measured in turns with it).
func BenchmarkCachedSuggestionsHTTP(b *testing.B) {
	ctx := context.Background()
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	st, err := store.Open(ctx, b.TempDir(), tax)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	tn := synth.Tenders(1, 1)[0]
	st.UpsertProfiles(ctx, synth.Pool(1, tn, 300))
	st.CreateTender(ctx, tn, "examples", time.Unix(0, 0).UTC())
	path := "/v1/tenders/" + tn.ID + "/coalitions"
	unlimited := Limits{PerIP: rate.Inf, BurstIP: 1, PerToken: rate.Inf, BurstToken: 1}
	body, err := suggest.New(st, cache.NewMemory(10, time.Hour), nil).ForTender(ctx, suggest.Request{Tender: tn.ID, Top: match.DefaultTop})
	if err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer bare.Close()
	// serve starts the service with cache c, checks that it answers with the bare
	// handler's bytes (which also fills the cache), runs the load in turns with the
	// bare handler, and checks that every request under load was a cache hit.
	serve := func(b *testing.B, c suggest.Cache) {
		m := NewMetrics()
		// The access log as the server writes it (JSON), into nothing.
		h, err := New(withStores(Deps{Taxonomy: tax, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Store: st,
			Suggest: suggest.New(st, c, m), Now: time.Now, Limits: &unlimited, Metrics: m}))
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || !bytes.Equal(got, body) {
			b.Fatalf("GET %s = %q, %v; want the bare handler's %q", path, got, err, body)
		}
		load(b, srv.URL+path, bare.URL+path)
		if misses := cacheMisses(b, m); misses != 1 {
			b.Errorf("suggestion cache misses = %v, want 1 (the first request only)", misses)
		}
	}
	b.Run("bare-net-http", func(b *testing.B) { load(b, bare.URL+path, "") })
	b.Run("memory-cache", func(b *testing.B) { serve(b, cache.NewMemory(100, time.Hour)) })
	// With Redis as the matcher configures it: a local copy in front of Redis
	// (cache.Tiered); and Redis alone, every hit a round trip, to show what the
	// local copy saves.
	redis := func(b *testing.B, tiered bool) {
		rs := redistest.Start(b)
		rc, err := cache.NewRedis(rs.URL, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		defer rc.Close()
		if tiered {
			serve(b, &cache.Tiered{Local: cache.NewMemory(100, time.Hour), Shared: rc})
		} else {
			serve(b, rc)
		}
	}
	b.Run("redis-tiered-cache", func(b *testing.B) { redis(b, true) })
	b.Run("redis-only-cache", func(b *testing.B) { redis(b, false) })
}
