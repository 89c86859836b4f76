package api

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"samenspel/config"
	"samenspel/internal/auth"
	"samenspel/internal/profiles"
	"samenspel/internal/redistest"
)

func replica(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	h, err := New(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Redis: rdb,
		Limits: &Limits{PerIP: 0.001, BurstIP: 3, PerToken: 0.001, BurstToken: 3}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// sharedRedis is a client of a real Redis for t.
func sharedRedis(t *testing.T) *redis.Client {
	t.Helper()
	srv := redistest.Start(t)
	opt, _ := redis.ParseURL(srv.URL)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// TestLimitsHoldAcrossReplicas: two replicas sharing Redis share one client's
// bucket; with Redis unreachable each replica still limits on its own.
func TestLimitsHoldAcrossReplicas(t *testing.T) {
	rdb := sharedRedis(t)
	a, b := replica(t, rdb), replica(t, rdb)
	got := []int{status(t, a+"/v1/taxonomy"), status(t, b+"/v1/taxonomy"), status(t, a+"/v1/taxonomy"), status(t, b+"/v1/taxonomy")}
	if got[0] != 200 || got[1] != 200 || got[2] != 200 || got[3] != 429 {
		t.Errorf("4 requests over two replicas with a shared burst of 3 = %v, want 200 200 200 429", got)
	}

	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: sharedTimeout, MaxRetries: 0, DialerRetries: 1})
	defer down.Close()
	c := replica(t, down)
	got = []int{status(t, c+"/v1/taxonomy"), status(t, c+"/v1/taxonomy"), status(t, c+"/v1/taxonomy"), status(t, c+"/v1/taxonomy")}
	if got[0] != 200 || got[3] != 429 {
		t.Errorf("with Redis down = %v, want the local limit: 200 ... 429", got)
	}
}

// TestSharedLimitsKeepTheirRules: with the buckets in Redis, partner tokens still
// count against their address, an admin's token has one bucket over all
// replicas, registrations are limited per address over all replicas, and an IPv6
// /64 is one client; with Redis down, each replica keeps these rules locally.
func TestSharedLimitsKeepTheirRules(t *testing.T) {
	lim := Limits{PerIP: 0.001, BurstIP: 6, PerToken: 0.001, BurstToken: 4, RegisterPerHour: 2}
	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: sharedTimeout, MaxRetries: 0, DialerRetries: 1})
	t.Cleanup(func() { down.Close() })
	for _, tc := range []struct {
		name string
		rdb  *redis.Client
		// perReplica: with Redis down, each of the two replicas allows its own
		// bursts.
		perReplica int
	}{
		{"Redis", sharedRedis(t), 1},
		{"Redis down", down, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			one := newLimitedAPI(t, lim, nil, tc.rdb)
			two := newLimitedAPI(t, lim, one.st, tc.rdb)
			replicas := []*limitedAPI{one, two}

			// Registrations: from one /64 over both replicas.
			var tokens []string
			for i := range 4 {
				w := replicas[i%2].register(fmt.Sprintf("2001:db8:7:8::%d", i+1), fmt.Sprintf("gedeeld-%d", i))
				switch {
				case w.Code == http.StatusCreated:
					tokens = append(tokens, one.partnerTokenOf(t, w))
				case w.Code != http.StatusTooManyRequests:
					t.Fatalf("registration %d = %d %s, want 201 or 429", i, w.Code, w.Body)
				default: // an hour holds 2: the next in half an hour
					if got, _ := strconv.Atoi(w.Header().Get("Retry-After")); got < 1790 || got > 1800 {
						t.Errorf("refused registration %d: Retry-After %q, want about 1800", i, w.Header().Get("Retry-After"))
					}
				}
			}
			if want := lim.RegisterPerHour * tc.perReplica; len(tokens) != want {
				t.Errorf("4 registrations from one /64 over two replicas: %d stored, want %d", len(tokens), want)
			}

			// Partner tokens from one address: the address's burst over all replicas.
			allowed := 0
			for i := range 20 {
				if send(replicas[i%2].h, "192.0.2.1", tokens[i%len(tokens)], "/v1/taxonomy").Code == http.StatusOK {
					allowed++
				}
			}
			if want := lim.BurstIP * tc.perReplica; allowed != want {
				t.Errorf("20 requests with partner tokens from one address over two replicas: %d allowed, want %d", allowed, want)
			}

			// An admin's token: its own bucket, learnt by each replica from one
			// request that counts against another address.
			admin := one.tokens[auth.RoleAdmin]
			for _, r := range replicas {
				if w := send(r.h, "192.0.2.2", admin, "/v1/taxonomy"); w.Code != http.StatusOK {
					t.Fatalf("first admin request = %d, want 200", w.Code)
				}
			}
			allowed = 0
			for i := range 12 {
				if send(replicas[i%2].h, "192.0.2.1", admin, "/v1/taxonomy").Code == http.StatusOK {
					allowed++
				}
			}
			if want := lim.BurstToken * tc.perReplica; allowed != want {
				t.Errorf("12 admin requests from a refused address over two replicas: %d allowed, want %d", allowed, want)
			}
		})
	}
}
