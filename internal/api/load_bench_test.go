package api

import (
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
	"samenspel/internal/profiles"
	"samenspel/internal/redistest"
	"samenspel/internal/store"
	"samenspel/internal/suggest"
	"samenspel/internal/synth"
)

// loadConns is the number of concurrent connections of the load generator.
const loadConns = 32

// load sends b.N GET requests to url over loadConns connections and reports
// throughput and the 50th and 99th percentile latency.
func load(b *testing.B, url string) {
	b.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: loadConns, MaxConnsPerHost: loadConns}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	lat := make([]time.Duration, b.N)
	var next sync.Mutex
	i := 0
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range loadConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				n := i
				i++
				next.Unlock()
				if n >= b.N {
					return
				}
				t0 := time.Now()
				resp, err := client.Get(url)
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
				lat[n] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[b.N/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[b.N*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkCachedSuggestionsHTTP: cached suggestions over loopback at 32
// connections, with the in-process cache and with Redis, next to a bare net/http
// handler serving the same bytes. Goal: p99 under 10 ms and at least 0.8 of the
// bare handler's throughput.
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
	serve := func(b *testing.B, c suggest.Cache) string {
		h, err := New(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: st,
			Suggest: suggest.New(st, c, nil), Now: time.Now, Limits: unlimited})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(h)
		b.Cleanup(srv.Close)
		resp, err := http.Get(srv.URL + path) // warm the cache
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		return srv.URL + path
	}
	b.Run("bare-net-http", func(b *testing.B) {
		body, _ := suggest.New(st, cache.NewMemory(10, time.Hour), nil).ForTender(ctx, suggest.Request{Tender: tn.ID, Top: 10})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}))
		defer srv.Close()
		load(b, srv.URL)
	})
	b.Run("memory-cache", func(b *testing.B) { load(b, serve(b, cache.NewMemory(100, time.Hour))) })
	b.Run("redis-cache", func(b *testing.B) {
		rs := redistest.Start(b)
		rc, err := cache.NewRedis(rs.URL, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		defer rc.Close()
		load(b, serve(b, rc))
	})
}
