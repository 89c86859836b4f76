// Command loadtest is the load and fault harness of Samenspel: it runs the built
// matcher as an operator would (the embedded default, then with Redis), drives mixed
// traffic at it at rising rates with vegeta, and injects the faults a replica meets in
// production: Redis frozen (SIGSTOP) and killed, the matcher killed with SIGKILL while
// registrations stream in, and slow clients holding connections.
//
// It owns the verdict on three promises and fails (exit 1) when one breaks:
//   - no acknowledged write is lost: every registration answered 201 is there, with a
//     working token, after every kill, and a retry of one that was in flight when the
//     server died is answered with its first answer (Idempotency-Key), never 409;
//   - no private field leaves: a canary written into a profile's private ideas and
//     contact is never in a public answer, the server's log or a Redis key or value;
//   - no unexpected status: every answer is the one its route promises (or 503 with
//     Retry-After on the heavy routes when the replica is at its cap).
//
// It never measures itself: the figures it prints are vegeta's, per route and phase.
// `--short` is the mode CI runs (tens of seconds); the long mode's figures are in
// docs/RELIABILITY.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const usage = `usage: loadtest [--short] [--matcher BIN] [--report FILE] [--no-redis]

Runs the built matcher (built from ./cmd/matcher when --matcher is not given) on a
temporary data directory with the example data and its rate limits off, drives mixed
traffic at rising rates, and injects faults: Redis frozen and killed, the matcher
killed with SIGKILL during registrations, slow clients. Prints the figures per phase
and route, and exits 1 on any lost write, leaked canary or unexpected status.

  --short          the CI mode: a few seconds a phase (tens of seconds in all)
  --matcher BIN    the matcher binary to run
  --report FILE    also write the figures as a Markdown table to FILE
  --no-redis       leave out the Redis phase (it needs redis-server on PATH)
  --connections N  connections of the traffic phases (default 32)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	short := fs.Bool("short", false, "")
	bin := fs.String("matcher", "", "")
	report := fs.String("report", "", "")
	noRedis := fs.Bool("no-redis", false, "")
	conns := fs.Int("connections", 32, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "loadtest: %v\n%s", err, usage)
		return 2
	}
	if fs.NArg() > 0 || *conns < 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	plan := longPlan()
	if *short {
		plan = shortPlan()
	}
	plan.connections = *conns
	plan.redis = !*noRedis
	res, err := execute(ctx, plan, *bin, stderr)
	if res != nil {
		res.print(stdout)
		if *report != "" {
			if werr := os.WriteFile(*report, []byte(res.markdown()), 0o644); werr != nil {
				fmt.Fprintf(stderr, "loadtest: %v\n", werr)
				return 1
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 1
	}
	if len(res.failures) > 0 {
		fmt.Fprintf(stderr, "loadtest: %d promise(s) broken:\n", len(res.failures))
		for _, f := range res.failures {
			fmt.Fprintf(stderr, "  - %s\n", f)
		}
		return 1
	}
	return 0
}

// plan is what one run does; the short and long modes differ only in their figures.
type plan struct {
	connections int
	redis       bool
	// cached is how long the cached-suggestions phase runs, as fast as the
	// connections go.
	cached time.Duration
	// rates are the rising rates (requests a second) of the mixed phases, each run
	// for step.
	rates []int
	step  time.Duration
	// slow is how many slow clients hold a connection during the slow phase, which
	// runs for slowFor at the first rate.
	slow    int
	slowFor time.Duration
	// kills is how many times the matcher is killed with SIGKILL while
	// registrations stream in, each after killAfter.
	kills     int
	killAfter time.Duration
	// redisFor is the length of the Redis fault phase: a quarter normal, a quarter
	// Redis frozen, a quarter killed, a quarter restarted.
	redisFor time.Duration
}

func shortPlan() plan {
	return plan{cached: 3 * time.Second, rates: []int{100, 300}, step: 3 * time.Second,
		slow: 30, slowFor: 7 * time.Second, kills: 2, killAfter: 1500 * time.Millisecond,
		redisFor: 8 * time.Second}
}

func longPlan() plan {
	return plan{cached: 20 * time.Second, rates: []int{250, 500, 1000, 2000, 4000}, step: 20 * time.Second,
		slow: 500, slowFor: 30 * time.Second, kills: 10, killAfter: 3 * time.Second,
		redisFor: 60 * time.Second}
}
