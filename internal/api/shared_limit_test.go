package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/redis/go-redis/v9"

	"samenspel/config"
	"samenspel/internal/profiles"
	"samenspel/internal/redistest"
)

func replica(t *testing.T, rdb *redis.Client) string {
	t.Helper()
	tax, _ := profiles.ParseTaxonomy(config.Taxonomy)
	h, err := New(Deps{Taxonomy: tax, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Redis: rdb,
		Limits: Limits{PerIP: 0.001, BurstIP: 3, PerToken: 0.001, BurstToken: 3}})
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

// TestLimitsHoldAcrossReplicas: two replicas sharing Redis share one client's
// bucket; with Redis unreachable each replica still limits on its own.
func TestLimitsHoldAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t)
	opt, _ := redis.ParseURL(srv.URL)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	a, b := replica(t, rdb), replica(t, rdb)
	got := []int{status(t, a+"/v1/taxonomy"), status(t, b+"/v1/taxonomy"), status(t, a+"/v1/taxonomy"), status(t, b+"/v1/taxonomy")}
	if got[0] != 200 || got[1] != 200 || got[2] != 200 || got[3] != 429 {
		t.Errorf("4 requests over two replicas with a shared burst of 3 = %v, want 200 200 200 429", got)
	}

	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: sharedTimeout, MaxRetries: 0})
	defer down.Close()
	c := replica(t, down)
	got = []int{status(t, c+"/v1/taxonomy"), status(t, c+"/v1/taxonomy"), status(t, c+"/v1/taxonomy"), status(t, c+"/v1/taxonomy")}
	if got[0] != 200 || got[3] != 429 {
		t.Errorf("with Redis down = %v, want the local limit: 200 ... 429", got)
	}
}
