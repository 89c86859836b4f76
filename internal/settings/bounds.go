package settings

import (
	"flag"
	"fmt"
	"runtime"
	"strconv"
	"time"
)

// Bounds are the limits on the work of `matcher serve` (SPEC §6: every search is
// bounded). Each is a file key, a SAMENSPEL_* variable and a flag.
type Bounds struct {
	// RequestTimeout is the deadline of every request: a search still running then
	// stops and answers with the best coalitions found, exact false and its bound
	// (SAMENSPEL_REQUEST_TIMEOUT, --request-timeout).
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// WriteTimeout is the server's time to read a request and write its answer
	// (SAMENSPEL_WRITE_TIMEOUT, --write-timeout); it exceeds RequestTimeout by at
	// least MinWriteMargin, so that an answer stopped at the deadline still arrives.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// MaxHeavy is the most heavy computations (suggestions not in the cache,
	// POST /v1/match, scores) one replica runs at once; above it a request gets 503
	// with Retry-After (SAMENSPEL_MAX_HEAVY, --max-heavy). 0 turns the cap off.
	MaxHeavy int `yaml:"max_heavy"`
}

// MinWriteMargin is how much longer than the request deadline the write timeout
// must be: time for a stopped search to hand over its answer (within a second)
// and for the answer to be written.
const MinWriteMargin = 2 * time.Second

// DefaultBounds: a 10 s request deadline under a 15 s write timeout, and half the
// cores (at least one) for heavy computations, so that the other half answers
// everything else at once.
func DefaultBounds() Bounds {
	return Bounds{RequestTimeout: 10 * time.Second, WriteTimeout: 15 * time.Second, MaxHeavy: max(1, runtime.NumCPU()/2)}
}

// boundSetting ties a bound's file key to its variable, its flag and its field.
type boundSetting struct {
	key, env, flag, usage string
	duration              *time.Duration // one of duration and count is set
	count                 *int
}

func (b *Bounds) settings() []boundSetting {
	return []boundSetting{
		{key: "request_timeout", env: "SAMENSPEL_REQUEST_TIMEOUT", flag: "request-timeout", duration: &b.RequestTimeout,
			usage: "deadline of every request; a search still running then answers with exact false and its bound"},
		{key: "write_timeout", env: "SAMENSPEL_WRITE_TIMEOUT", flag: "write-timeout", duration: &b.WriteTimeout,
			usage: "time to read a request and write its answer; at least 2s more than the request timeout"},
		{key: "max_heavy", env: "SAMENSPEL_MAX_HEAVY", flag: "max-heavy", count: &b.MaxHeavy,
			usage: "heavy computations (uncached suggestions, match, score) at once, above which 503; 0 turns the cap off"},
	}
}

// boundFlags holds the bound flags of a flag set, parsed into a scratch Bounds.
type boundFlags struct{ given Bounds }

// addBoundFlags defines the bound flags on fs, with d's values as the defaults
// shown.
func addBoundFlags(fs *flag.FlagSet, d Bounds) *boundFlags {
	bf := &boundFlags{given: d}
	for _, s := range bf.given.settings() {
		if s.duration != nil {
			fs.DurationVar(s.duration, s.flag, *s.duration, s.usage)
		} else {
			fs.IntVar(s.count, s.flag, *s.count, s.usage)
		}
	}
	return bf
}

// apply copies the bound flags that were given on fs into b.
func (bf *boundFlags) apply(fs *flag.FlagSet, b *Bounds) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	from := bf.given.settings()
	for i, s := range b.settings() {
		if !given[s.flag] {
			continue
		}
		if s.duration != nil {
			*s.duration = *from[i].duration
		} else {
			*s.count = *from[i].count
		}
	}
}

// fromEnv sets b from the variables that are set.
func (b *Bounds) fromEnv(env func(string) (string, bool)) error {
	for _, s := range b.settings() {
		v, ok := env(s.env)
		if !ok {
			continue
		}
		if s.duration != nil {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("settings: %s: want a duration such as 10s, got %q", s.env, v)
			}
			*s.duration = d
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("settings: %s: want a whole number, got %q", s.env, v)
		}
		*s.count = n
	}
	return nil
}

// Validate reports the first bound that cannot work, naming its file key: the
// timeouts are positive, the write timeout exceeds the request timeout by at least
// MinWriteMargin, and max_heavy is not negative.
func (b Bounds) Validate() error {
	switch {
	case b.RequestTimeout <= 0:
		return fmt.Errorf("settings: request_timeout: must be positive, got %v", b.RequestTimeout)
	case b.WriteTimeout < b.RequestTimeout+MinWriteMargin:
		return fmt.Errorf("settings: write_timeout: must be at least %v more than request_timeout (%v), so that an answer stopped at the deadline is still written; got %v",
			MinWriteMargin, b.RequestTimeout, b.WriteTimeout)
	case b.MaxHeavy < 0:
		return fmt.Errorf("settings: max_heavy: must not be negative (0 turns the cap off), got %d", b.MaxHeavy)
	}
	return nil
}

// String shows the bounds for the start-up log.
func (b Bounds) String() string {
	return fmt.Sprintf("request_timeout=%v write_timeout=%v max_heavy=%d", b.RequestTimeout, b.WriteTimeout, b.MaxHeavy)
}
