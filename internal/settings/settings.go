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
	// DatabaseURL, when set, makes PostgreSQL the store instead of the embedded
	// one, shared by replicas on several hosts (SAMENSPEL_DATABASE_URL, --database,
	// a postgres:// URL).
	DatabaseURL string `yaml:"database_url"`
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

// Group is a set of the settings' flags that a command takes (AddFlags). Every
// command reads the same file and environment; the groups only decide which
// settings its command line may also set.
type Group uint8

const (
	// StoreFlags: --config, --data and --database, the store every command works on.
	StoreFlags Group = 1 << iota
	// ServiceFlags: --redis, --meili and --meili-key.
	ServiceFlags
	// GazetteerFlag: --gazetteer.
	GazetteerFlag
	// ServerFlags: --addr, --no-examples, the rate limits and the bounds.
	ServerFlags
	// AllFlags are serve's flags.
	AllFlags = StoreFlags | ServiceFlags | GazetteerFlag | ServerFlags
)

// Flags are the settings' flags on a command's flag set (AddFlags), beside the
// command's own.
type Flags struct {
	fs         *flag.FlagSet
	configFile *string
	str        map[string]*string // flag name: value, for the string settings
	noExamples *bool
	rates      *rateFlags
	bounds     *boundFlags
}

// AddFlags puts the flags of groups on fs, with the defaults as their usage says.
// The command defines its own flags on fs too, parses fs, then calls Load.
func AddFlags(fs *flag.FlagSet, groups Group) *Flags {
	d := Defaults()
	f := &Flags{fs: fs, str: map[string]*string{}}
	str := func(name, usage string) { f.str[name] = fs.String(name, "", usage) }
	if groups&StoreFlags != 0 {
		f.configFile = fs.String("config", "", "configuration file (default "+DefaultFile+" when it exists)")
		str("data", "directory of the embedded store (default "+d.Data+")")
		str("database", "PostgreSQL URL (postgres://...): the shared store instead of the embedded one")
	}
	if groups&ServiceFlags != 0 {
		str("redis", "Redis URL for cache and coordination")
		str("meili", "Meilisearch URL for the profiles")
		str("meili-key", "Meilisearch API key (prefer SAMENSPEL_MEILI_KEY)")
	}
	if groups&GazetteerFlag != 0 {
		str("gazetteer", "CSV file of area names: code,name,parent (default the shipped config/areas.csv, Utrecht)")
	}
	if groups&ServerFlags != 0 {
		str("addr", "listen address (default "+d.Addr+")")
		f.noExamples = fs.Bool("no-examples", false, "do not fill an empty store with the example data")
		f.rates = addRateFlags(fs, d.Rates)
		f.bounds = addBoundFlags(fs, d.Bounds)
	}
	return f
}

// Load builds the settings for args (the flags of `matcher serve`), with env as the
// environment lookup (os.LookupEnv in main). A missing default file is no error; a
// missing --config file is. Commands with flags of their own use AddFlags.
func Load(args []string, env func(string) (string, bool)) (Settings, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := AddFlags(fs, AllFlags)
	if err := fs.Parse(args); err != nil {
		return Defaults(), newFlagError(fs, err)
	}
	if fs.NArg() > 0 {
		return Defaults(), newFlagError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	return f.Load(env)
}

// Load builds the settings once the command's flag set is parsed: the defaults,
// then the file (--config, or DefaultFile when it exists), then the environment,
// then the settings' flags that were given.
func (f *Flags) Load(env func(string) (string, bool)) (Settings, error) {
	s := Defaults()
	path, required := "", true
	if f.configFile != nil {
		path = *f.configFile
	}
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
	str("SAMENSPEL_DATABASE_URL", &s.DatabaseURL)
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

	dst := map[string]*string{"addr": &s.Addr, "data": &s.Data, "database": &s.DatabaseURL,
		"redis": &s.RedisURL, "meili": &s.MeiliURL, "meili-key": &s.MeiliKey, "gazetteer": &s.Gazetteer}
	f.fs.Visit(func(fl *flag.Flag) {
		if v, ok := f.str[fl.Name]; ok {
			*dst[fl.Name] = *v
		}
		if fl.Name == "no-examples" && f.noExamples != nil {
			s.NoExamples = *f.noExamples
		}
	})
	if f.rates != nil {
		f.rates.apply(f.fs, &s.Rates)
	}
	if f.bounds != nil {
		f.bounds.apply(f.fs, &s.Bounds)
	}
	return s, s.Validate()
}

// Usage is the settings' flags with their defaults, as flag.PrintDefaults writes
// them, for a command's help.
func (f *Flags) Usage() string { return newFlagError(f.fs, nil).Flags }

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
	if s.DatabaseURL != "" {
		u, err := url.Parse(s.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || (u.Host == "" && u.Query().Get("host") == "") {
			return fmt.Errorf("settings: database_url: want postgres://user:password@host:port/database, got %q", mask(s.DatabaseURL))
		}
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

// Store names the store the settings choose, for logs: the database URL with its
// password masked, or the data directory of the embedded store.
func (s Settings) Store() string {
	if s.DatabaseURL != "" {
		return mask(s.DatabaseURL)
	}
	return s.Data
}

// String shows the settings with secrets masked, for the start-up log.
func (s Settings) String() string {
	key := ""
	if s.MeiliKey != "" {
		key = "***"
	}
	return fmt.Sprintf("addr=%s data=%s database=%s redis=%s meili=%s meili_key=%s no_examples=%t trusted_proxies=%v recompute_cron=%q stale_cron=%q timezone=%s replica=%s gazetteer=%q %s %s",
		s.Addr, s.Data, mask(s.DatabaseURL), mask(s.RedisURL), s.MeiliURL, key, s.NoExamples, s.TrustedProxies, s.RecomputeCron, s.StaleCron, s.Timezone, s.Replica, s.Gazetteer, s.Rates, s.Bounds)
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
