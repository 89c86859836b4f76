package settings

import (
	"flag"
	"fmt"
	"math"
	"strconv"
)

// Rates are the request limits of `matcher serve` (SPEC §8). Each is a file key, a
// SAMENSPEL_RATE_* variable and a --rate-* flag; 0 turns that limit off.
type Rates struct {
	// IP and IPBurst are the requests a second, and the burst, of one client address:
	// an IPv4 address, or the /64 of an IPv6 one (SAMENSPEL_RATE_IP,
	// SAMENSPEL_RATE_IP_BURST, --rate-ip, --rate-ip-burst). Anonymous requests and
	// those of partner tokens count against it.
	IP      float64 `yaml:"rate_ip"`
	IPBurst int     `yaml:"rate_ip_burst"`
	// Token and TokenBurst are the requests a second, and the burst, of one admin
	// or tender-owner token, which has a bucket of its own instead of its address's
	// (SAMENSPEL_RATE_TOKEN, SAMENSPEL_RATE_TOKEN_BURST, --rate-token,
	// --rate-token-burst).
	Token      float64 `yaml:"rate_token"`
	TokenBurst int     `yaml:"rate_token_burst"`
	// Register is the registrations (POST /v1/profiles) an hour of one client
	// address (SAMENSPEL_RATE_REGISTER, --rate-register).
	Register int `yaml:"rate_register"`
}

// DefaultRates: per address 10 requests a second with a burst of 40; per admin or
// tender-owner token 50 a second with a burst of 100; 10 registrations an hour per
// address.
func DefaultRates() Rates {
	return Rates{IP: 10, IPBurst: 40, Token: 50, TokenBurst: 100, Register: 10}
}

// rateSetting ties a rate's file key to its variable, its flag and its field.
type rateSetting struct {
	key, env, flag, usage string
	rate                  *float64 // one of rate and count is set
	count                 *int
}

func (r *Rates) settings() []rateSetting {
	return []rateSetting{
		{key: "rate_ip", env: "SAMENSPEL_RATE_IP", flag: "rate-ip", rate: &r.IP,
			usage: "requests a second per client address (IPv6: per /64); 0 turns the limit off"},
		{key: "rate_ip_burst", env: "SAMENSPEL_RATE_IP_BURST", flag: "rate-ip-burst", count: &r.IPBurst,
			usage: "burst of requests per client address; 0 turns the limit off"},
		{key: "rate_token", env: "SAMENSPEL_RATE_TOKEN", flag: "rate-token", rate: &r.Token,
			usage: "requests a second per admin or tender-owner token; 0 turns the limit off"},
		{key: "rate_token_burst", env: "SAMENSPEL_RATE_TOKEN_BURST", flag: "rate-token-burst", count: &r.TokenBurst,
			usage: "burst of requests per admin or tender-owner token; 0 turns the limit off"},
		{key: "rate_register", env: "SAMENSPEL_RATE_REGISTER", flag: "rate-register", count: &r.Register,
			usage: "registrations (POST /v1/profiles) an hour per client address; 0 turns the limit off"},
	}
}

// rateFlags holds the --rate-* flags of a flag set, parsed into a scratch Rates.
type rateFlags struct{ given Rates }

// addRateFlags defines the --rate-* flags on fs, with d's values as the defaults
// shown.
func addRateFlags(fs *flag.FlagSet, d Rates) *rateFlags {
	rf := &rateFlags{given: d}
	for _, s := range rf.given.settings() {
		if s.rate != nil {
			fs.Float64Var(s.rate, s.flag, *s.rate, s.usage)
		} else {
			fs.IntVar(s.count, s.flag, *s.count, s.usage)
		}
	}
	return rf
}

// apply copies the --rate-* flags that were given on fs into r.
func (rf *rateFlags) apply(fs *flag.FlagSet, r *Rates) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	from := rf.given.settings()
	for i, s := range r.settings() {
		if !given[s.flag] {
			continue
		}
		if s.rate != nil {
			*s.rate = *from[i].rate
		} else {
			*s.count = *from[i].count
		}
	}
}

// fromEnv sets r from the SAMENSPEL_RATE_* variables that are set.
func (r *Rates) fromEnv(env func(string) (string, bool)) error {
	for _, s := range r.settings() {
		v, ok := env(s.env)
		if !ok {
			continue
		}
		if s.rate != nil {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("settings: %s: want a number of requests a second, got %q", s.env, v)
			}
			*s.rate = f
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

// Validate reports the first rate that cannot work, naming its file key: rates
// are finite and not negative.
func (r Rates) Validate() error {
	for _, s := range r.settings() {
		switch {
		case s.rate != nil && (math.IsNaN(*s.rate) || math.IsInf(*s.rate, 0)):
			return fmt.Errorf("settings: %s: want a number of requests a second, got %v", s.key, *s.rate)
		case s.rate != nil && *s.rate < 0:
			return fmt.Errorf("settings: %s: must not be negative (0 turns the limit off), got %v", s.key, *s.rate)
		case s.count != nil && *s.count < 0:
			return fmt.Errorf("settings: %s: must not be negative (0 turns the limit off), got %d", s.key, *s.count)
		}
	}
	return nil
}

// String shows the rates for the start-up log.
func (r Rates) String() string {
	return fmt.Sprintf("rate_ip=%v rate_ip_burst=%d rate_token=%v rate_token_burst=%d rate_register=%d",
		r.IP, r.IPBurst, r.Token, r.TokenBurst, r.Register)
}
