package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"samenspel/internal/api"
	"samenspel/internal/cache"
	"samenspel/internal/gazetteer"
	"samenspel/internal/lease"
	"samenspel/internal/meili"
	"samenspel/internal/scaled"
	"samenspel/internal/settings"
	suggestions "samenspel/internal/suggest"
	"samenspel/internal/web"
	"samenspel/internal/web/session"
	"samenspel/internal/webhook"
)

// The in-process suggestion cache: answers are keyed by the versions of what they
// depend on, so the time to live only bounds memory, not staleness.
const (
	cacheEntries = 4096
	cacheTTL     = 24 * time.Hour
)

// Server timeouts: a slow client cannot hold a connection open for ever. The write
// timeout and the request deadline below it are settings (settings.Bounds).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 20 * time.Second
)

// serve is `matcher serve`: the API until ctx is cancelled (SIGINT, SIGTERM), then a
// graceful shutdown that lets requests in flight finish.
func serve(ctx context.Context, args []string, stderr io.Writer, listening func(addr string)) error {
	cfg, err := loadSettings(args)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	// The area names, before the store: a file that does not load stops the start
	// with its file:line errors.
	gaz, err := gazetteer.Open(cfg.Gazetteer)
	if err != nil {
		return err
	}
	st, tax, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	empty, err := st.Empty(ctx)
	if err != nil {
		return err
	}
	if empty && !cfg.NoExamples {
		seeded, err := loadExamples(ctx, st, tax, time.Now().UTC())
		if err != nil {
			return err
		}
		if seeded {
			log.Info("empty store filled with the example data", "store", cfg.Store())
		}
	}
	metrics := api.NewMetrics()
	var optional []api.Optional
	// The profile reads: the embedded store's own index tables, or Meilisearch in
	// the scaled set-up, which the indexer keeps in step (internal/indexsync).
	var reads interface {
		suggestions.Store
		api.Store
	} = st
	if cfg.MeiliURL != "" {
		// Reads only, and a fallback at hand: a short timeout and one retry, so that
		// an outage costs a request little before the embedded store answers.
		idx, err := meili.New(cfg.MeiliURL, cfg.MeiliKey, tax,
			meili.WithRequestTimeout(2*time.Second), meili.WithRetries(1, 50*time.Millisecond, 50*time.Millisecond))
		if err != nil {
			return err
		}
		sc := scaled.New(st, idx, log)
		if err := metrics.Register(sc.Errors()); err != nil {
			return err
		}
		reads = indexedReads{st, sc}
		optional = append(optional, api.Optional{Check: idx.Ping,
			Detail: "the search index does not answer: candidates and search come from the embedded store"})
	}
	var answers suggestions.Cache = cache.NewMemory(cacheEntries, cacheTTL)
	// The job locks: in the store (a lease) unless Redis coordinates the replicas.
	var jobLock lease.Lock = lease.NewStore(st, "job:")
	var rdb *redis.Client
	if cfg.RedisURL != "" {
		rc, err := cache.NewRedis(cfg.RedisURL, cacheTTL, cache.WithLogger(log))
		if err != nil {
			return err
		}
		defer rc.Close()
		_ = rc.Ping(ctx) // a Redis that does not answer yet is logged by the cache
		// A local copy in front of Redis: keys name answers that never change, so
		// a replica answers popular tenders without a round trip.
		answers, rdb = &cache.Tiered{Local: cache.NewMemory(cacheEntries, cacheTTL), Shared: rc}, rc.Client()
		jobLock = lease.NewRedis(rc.Client(), jobLockPrefix)
		optional = append(optional, api.Optional{Check: rc.Ping,
			Detail: "the shared cache does not answer: this replica computes its answers itself"})
	}
	svc := suggestions.New(reads, answers, metrics, suggestions.WithMaxHeavy(cfg.Bounds.MaxHeavy))
	// After each recompute, the partners who appeared in a tender's suggestions for
	// the first time hear it through their webhooks (the notifications themselves
	// are recorded by the recompute).
	sender := webhook.NewSender(st, log)
	deliver := func(ctx context.Context) (deliveries, error) {
		sent, failed, err := sender.Deliver(ctx)
		return deliveries{Sent: sent, Failed: failed}, err
	}
	sched, err := newScheduler(cfg, st, svc, answers, metrics, metrics.InFlight, jobLock, log, deliver)
	if err != nil {
		return err
	}
	if err := metrics.Register(sched.Collectors()...); err != nil {
		return err
	}
	// The pages for people, beside the API on its engine (api.Deps.Pages), with the
	// areas named by the gazetteer, and signed-in sessions that every replica on
	// the store shares (internal/web/session), so that their forms work.
	site, err := web.New(web.Deps{Taxonomy: tax, Store: reads, Suggest: svc, Forms: st, Areas: gaz,
		Sessions: pageSessions{}, Now: func() time.Time { return time.Now().UTC() }})
	if err != nil {
		return err
	}
	sessions, err := session.New(session.Options{Tokens: st, Store: session.NewSharedStore(st), TrustedProxies: cfg.TrustedProxies,
		Refused: func(c *gin.Context) {
			if !site.FormRefused(c) {
				c.AbortWithStatus(http.StatusForbidden)
			}
		},
		Failed: func(c *gin.Context, err error) {
			log.Error("page sessions", "err", err.Error())
			if !site.ErrorPage(c, http.StatusServiceUnavailable) {
				c.AbortWithStatus(http.StatusServiceUnavailable)
			}
		}})
	if err != nil {
		return err
	}
	pages := sessionPages{Site: site, m: sessions}
	h, err := api.New(api.Deps{Taxonomy: tax, Gazetteer: gaz, Log: log, TrustedProxies: cfg.TrustedProxies, Ready: st.Ping,
		Store: reads, Jobs: st, Notifications: st, Webhooks: st, Tokens: st, Awards: st, Ideas: st,
		Suggest: svc, Now: func() time.Time { return time.Now().UTC() }, Metrics: metrics, Optional: optional, Redis: rdb,
		Limits: limitsOf(cfg.Rates), RequestTimeout: cfg.Bounds.RequestTimeout, Pages: pages})
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: cfg.Addr, Handler: h, ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout: readTimeout, WriteTimeout: cfg.Bounds.WriteTimeout, IdleTimeout: idleTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("matcher listening", "addr", ln.Addr().String(), "settings", cfg.String())
	if listening != nil {
		listening(ln.Addr().String())
	}
	// The jobs' runs outlive a cancelled ctx until the shutdown has waited for them.
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	sched.Start(jobsCtx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	stopped := sched.Stop() // no new slots; a running job finishes
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	select {
	case <-stopped.Done():
	case <-sctx.Done():
		log.Warn("shutdown: a running job did not finish in time; it is cancelled and recorded failed")
		stopJobs()
		<-stopped.Done()
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// limitsOf are the API's request limits for the rate settings; in both, 0 turns a
// limit off.
func limitsOf(r settings.Rates) *api.Limits {
	return &api.Limits{PerIP: rate.Limit(r.IP), BurstIP: r.IPBurst, PerToken: rate.Limit(r.Token),
		BurstToken: r.TokenBurst, RegisterPerHour: r.Register}
}
