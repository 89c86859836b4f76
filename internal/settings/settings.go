// Package settings is the matcher's configuration: typed, parsed once in main, and
// passed down. Values come from, in rising order of precedence, the defaults, the
// file config/matcher.yaml (or the one --config names), the environment (SAMENSPEL_*)
// and the command-line flags (SPEC §8).
//
// It never reads configuration anywhere else, keeps no global state, and never
// prints a secret: String masks the Meilisearch key and the password of a Redis URL.
package settings

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // time zones in an image without them (distroless)

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Settings of `matcher serve`.
type Settings struct {
	// Addr is where the API listens (SAMENSPEL_ADDR, --addr).
	Addr string `yaml:"addr"`
	// Data is the directory of the embedded store (SAMENSPEL_DATA, --data).
	Data string `yaml:"data"`
	// RedisURL, when set, puts the cache and coordination in Redis
	// (SAMENSPEL_REDIS_URL, --redis).
	RedisURL string `yaml:"redis_url"`
	// MeiliURL and MeiliKey, when set, keep the profiles in Meilisearch
	// (SAMENSPEL_MEILI_URL, SAMENSPEL_MEILI_KEY, --meili, --meili-key).
	MeiliURL string `yaml:"meili_url"`
	MeiliKey string `yaml:"meili_key"`
	// NoExamples leaves an empty store empty instead of filling it with the shipped
	// example data (SAMENSPEL_NO_EXAMPLES, --no-examples).
	NoExamples bool `yaml:"no_examples"`
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (SAMENSPEL_TRUSTED_PROXIES, comma-separated; none by default).
	TrustedProxies []string `yaml:"trusted_proxies"`
	// RecomputeCron is when the suggestions of every open tender are recomputed
	// (SAMENSPEL_RECOMPUTE_CRON; five fields, or six with seconds first); "off"
	// schedules nothing.
	RecomputeCron string `yaml:"recompute_cron"`
	// StaleCron is when profiles not updated for 12 months are marked stale
	// (SAMENSPEL_STALE_CRON); "off" schedules nothing.
	StaleCron string `yaml:"stale_cron"`
	// Timezone of the schedules (SAMENSPEL_TIMEZONE, an IANA name).
	Timezone string `yaml:"timezone"`
	// Replica names this process in the job runs (SAMENSPEL_REPLICA; default the
	// host name).
	Replica string `yaml:"replica"`
	// Gazetteer is the CSV file of area names (internal/gazetteer) that pages show
	// and profiles and tenders are checked against (SAMENSPEL_GAZETTEER,
	// --gazetteer); empty: the shipped config/areas.csv, Utrecht.
	Gazetteer string `yaml:"gazetteer"`
	// Rates are the request limits (SAMENSPEL_RATE_*, --rate-*).
	Rates Rates `yaml:",inline"`
	// Bounds are the request deadline, the write timeout and the cap on heavy
	// computations (SAMENSPEL_REQUEST_TIMEOUT, --request-timeout and so on).
	Bounds Bounds `yaml:",inline"`
}

// CronOff is the schedule that schedules nothing.
const CronOff = "off"

// cronParser reads the schedules: five fields, or six with seconds first, or a
// descriptor such as @daily or @every 1m.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron parses a schedule of the settings (not "off").
func ParseCron(spec string) (cron.Schedule, error) { return cronParser.Parse(spec) }

// CronParser is the one parser of schedules, the settings' and the scheduler's
// (internal/jobs): what the settings accept is what the scheduler runs.
func CronParser() cron.Parser { return cronParser }

// Defaults are the settings with no file, environment or flag.
func Defaults() Settings {
	host, _ := os.Hostname()
	return Settings{Addr: "127.0.0.1:8080", Data: "./data",
		RecomputeCron: "30 2 * * *", StaleCron: "0 3 * * 0", Timezone: "Europe/Amsterdam", Replica: host,
		Rates: DefaultRates(), Bounds: DefaultBounds()}
}

// DefaultFile is the configuration file read when it exists and --config is not
// given.
const DefaultFile = "config/matcher.yaml"

// Load builds the settings for args (the flags of `matcher serve`), with env as the
// environment lookup (os.LookupEnv in main). A missing default file is no error; a
// missing --config file is.
func Load(args []string, env func(string) (string, bool)) (Settings, error) {
	s := Defaults()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	configFile := fs.String("config", "", "configuration file (default "+DefaultFile+" when it exists)")
	addr := fs.String("addr", "", "listen address (default "+s.Addr+")")
	data := fs.String("data", "", "directory of the embedded store (default "+s.Data+")")
	redis := fs.String("redis", "", "Redis URL for cache and coordination")
	meili := fs.String("meili", "", "Meilisearch URL for the profiles")
	meiliKey := fs.String("meili-key", "", "Meilisearch API key (prefer SAMENSPEL_MEILI_KEY)")
	noExamples := fs.Bool("no-examples", false, "do not fill an empty store with the example data")
	gaz := fs.String("gazetteer", "", "CSV file of area names: code,name,parent (default the shipped config/areas.csv, Utrecht)")
	rates := addRateFlags(fs, s.Rates)
	bounds := addBoundFlags(fs, s.Bounds)
	if err := fs.Parse(args); err != nil {
		return s, newFlagError(fs, err)
	}
	if fs.NArg() > 0 {
		return s, newFlagError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}

	path, required := *configFile, true
	if path == "" {
		path, required = DefaultFile, false
	}
	if err := s.readFile(path, required); err != nil {
		return s, err
	}

	str := func(key string, dst *string) {
		if v, ok := env(key); ok {
			*dst = v
		}
	}
	str("SAMENSPEL_ADDR", &s.Addr)
	str("SAMENSPEL_DATA", &s.Data)
	str("SAMENSPEL_REDIS_URL", &s.RedisURL)
	str("SAMENSPEL_MEILI_URL", &s.MeiliURL)
	str("SAMENSPEL_MEILI_KEY", &s.MeiliKey)
	str("SAMENSPEL_RECOMPUTE_CRON", &s.RecomputeCron)
	str("SAMENSPEL_STALE_CRON", &s.StaleCron)
	str("SAMENSPEL_TIMEZONE", &s.Timezone)
	str("SAMENSPEL_REPLICA", &s.Replica)
	str("SAMENSPEL_GAZETTEER", &s.Gazetteer)
	if v, ok := env("SAMENSPEL_NO_EXAMPLES"); ok {
		s.NoExamples = v == "1" || strings.EqualFold(v, "true")
	}
	if v, ok := env("SAMENSPEL_TRUSTED_PROXIES"); ok {
		s.TrustedProxies = splitList(v)
	}
	if err := s.Rates.fromEnv(env); err != nil {
		return s, err
	}
	if err := s.Bounds.fromEnv(env); err != nil {
		return s, err
	}

	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "addr":
			s.Addr = *addr
		case "data":
			s.Data = *data
		case "redis":
			s.RedisURL = *redis
		case "meili":
			s.MeiliURL = *meili
		case "meili-key":
			s.MeiliKey = *meiliKey
		case "no-examples":
			s.NoExamples = *noExamples
		case "gazetteer":
			s.Gazetteer = *gaz
		}
	})
	rates.apply(fs, &s.Rates)
	bounds.apply(fs, &s.Bounds)
	return s, s.Validate()
}

func (s *Settings) readFile(path string, required bool) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !required {
		return nil
	}
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil && err.Error() != "EOF" {
		return fmt.Errorf("settings: %s: %w", path, err)
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Validate reports the first setting that cannot work, naming it.
func (s Settings) Validate() error {
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		return fmt.Errorf("settings: addr %q: %w", s.Addr, err)
	}
	if s.Data == "" {
		return errors.New("settings: data: a directory is required")
	}
	if s.RedisURL != "" {
		u, err := url.Parse(s.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return fmt.Errorf("settings: redis_url: want redis://host:port/db, got %q", mask(s.RedisURL))
		}
	}
	if s.MeiliURL != "" {
		u, err := url.Parse(s.MeiliURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("settings: meili_url: want http(s)://host:port, got %q", s.MeiliURL)
		}
	}
	for _, c := range []struct{ name, spec string }{{"recompute_cron", s.RecomputeCron}, {"stale_cron", s.StaleCron}} {
		if c.spec == CronOff {
			continue
		}
		if _, err := ParseCron(c.spec); err != nil {
			return fmt.Errorf("settings: %s %q: %v (five fields, six with seconds first, a descriptor such as @daily, or off)", c.name, c.spec, err)
		}
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "" {
		return fmt.Errorf("settings: timezone %q: want an IANA name such as Europe/Amsterdam", s.Timezone)
	}
	if s.Replica == "" {
		return errors.New("settings: replica: a name is required (SAMENSPEL_REPLICA)")
	}
	for _, p := range s.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("settings: trusted_proxies: %q is neither an IP address nor a CIDR range", p)
			}
		}
	}
	if err := s.Rates.Validate(); err != nil {
		return err
	}
	return s.Bounds.Validate()
}

// String shows the settings with secrets masked, for the start-up log.
func (s Settings) String() string {
	key := ""
	if s.MeiliKey != "" {
		key = "***"
	}
	return fmt.Sprintf("addr=%s data=%s redis=%s meili=%s meili_key=%s no_examples=%t trusted_proxies=%v recompute_cron=%q stale_cron=%q timezone=%s replica=%s gazetteer=%q %s %s",
		s.Addr, s.Data, mask(s.RedisURL), s.MeiliURL, key, s.NoExamples, s.TrustedProxies, s.RecomputeCron, s.StaleCron, s.Timezone, s.Replica, s.Gazetteer, s.Rates, s.Bounds)
}

// mask hides the password of a URL.
func mask(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	return strings.Replace(u.String(), "%2A%2A%2A", "***", 1)
}

// FlagError is a command line Load could not parse: Err is flag.ErrHelp when -h or
// --help was given. Flags lists the flags Load takes, with their defaults, for the
// command's usage.
type FlagError struct {
	Err   error
	Flags string
}

func newFlagError(fs *flag.FlagSet, err error) *FlagError {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return &FlagError{Err: err, Flags: b.String()}
}

func (e *FlagError) Error() string { return "settings: " + e.Err.Error() }

func (e *FlagError) Unwrap() error { return e.Err }
