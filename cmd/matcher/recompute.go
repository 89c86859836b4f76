package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"samenspel/internal/cache"
	"samenspel/internal/jobs"
	"samenspel/internal/lease"
	"samenspel/internal/meili"
	"samenspel/internal/recompute"
	"samenspel/internal/scaled"
	"samenspel/internal/settings"
	suggestions "samenspel/internal/suggest"
)

// recomputeCommand is `matcher recompute [--full] [serve's settings]`: the nightly
// recompute, once, now. It runs under the same lock as the scheduled runs (Redis
// with --redis, else a lease in the store), so it never overlaps one; it records
// its run, shows a progress bar when standard error is a terminal, and prints a
// summary with the fairness of the suggestions.
func recomputeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("recompute", flag.ContinueOnError)
	full := fs.Bool("full", false, "recompute every open tender, also those whose inputs did not change")
	cfg, err := commandSettings(fs, settings.AddFlags(fs, settings.AllFlags), args)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, tax, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	// Candidates as the replicas read them, so that the digests agree with theirs:
	// from the search index with Meilisearch, else from a snapshot of the embedded
	// store taken when the run starts (recomputeSuggestions).
	var reads suggestions.Store = st
	if cfg.MeiliURL != "" {
		idx, err := meili.New(cfg.MeiliURL, cfg.MeiliKey, tax,
			meili.WithRequestTimeout(10*time.Second), meili.WithRetries(2, 100*time.Millisecond, time.Second))
		if err != nil {
			return err
		}
		reads = indexedReads{st, scaled.New(st, idx, log)}
	}
	// With Redis the answers go to the shared cache too, and the lock is the
	// replicas' lock.
	var answers suggestions.Cache = cache.NewMemory(cacheEntries, cacheTTL)
	var lock lease.Lock = lease.NewStore(st, "job:")
	if cfg.RedisURL != "" {
		rc, err := cache.NewRedis(cfg.RedisURL, cacheTTL, cache.WithLogger(log))
		if err != nil {
			return err
		}
		defer rc.Close()
		answers, lock = rc, lease.NewRedis(rc.Client(), jobLockPrefix)
	}
	svc := suggestions.New(reads, answers, nil)

	host, _ := os.Hostname()
	sched, err := jobs.New(jobs.Options{Store: st, Lock: lock, Replica: fmt.Sprintf("%s/recompute-%d", host, os.Getpid()), Log: log})
	if err != nil {
		return err
	}
	opts := recompute.Options{Full: *full, Log: log}
	var bar *progressbar.ProgressBar
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opts.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription("recompute"), progressbar.OptionShowCount(),
					progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionClearOnFinish())
			}
			bar.Set(done)
		}
	}
	job := recompute.JobEach(recomputeSuggestions(cfg, st, svc, answers, nil), st, opts)
	if err := sched.Add(jobs.Job{Name: recompute.JobName, Spec: "@daily", Run: job}); err != nil {
		return err
	}
	run, runErr := sched.RunNow(ctx, recompute.JobName)
	if bar != nil {
		bar.Finish()
	}
	<-sched.Stop().Done()
	if errors.Is(runErr, jobs.ErrBusy) {
		return errors.New("recompute: another run holds the lock; try again when it is done")
	}
	if run.ID != 0 {
		fmt.Fprintln(stdout, summary(run))
	}
	return runErr
}

// summary is the line that tells what a run did.
func summary(run jobs.Run) string {
	line := fmt.Sprintf("recompute run %d %s: %d tenders recomputed, %d unchanged, %d failed in %v",
		run.ID, run.Status, run.Done, run.Skipped, run.Failed, run.Ended.Sub(run.Started).Round(time.Millisecond))
	if rep, ok := run.Report.Details.(recompute.Report); ok && rep.Fairness.Seats > 0 {
		line += fmt.Sprintf("; %.1f%% of %d suggested seats to small or new providers; %d partners notified",
			100*rep.Fairness.Share, rep.Fairness.Seats, rep.Notifications)
	}
	return line
}
