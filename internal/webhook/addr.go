package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// MaxURLLength is the longest webhook URL accepted.
const MaxURLLength = 2048

// Policy says which webhook URLs are accepted and which addresses may be dialled.
// The zero Policy is the strict one for production: https only, public addresses
// only. The API and the Sender take the same Policy.
type Policy struct {
	// AllowHTTP accepts http:// URLs too. For tests only, whose receivers
	// (httptest) speak plain HTTP.
	AllowHTTP bool
	// AllowAddr reports whether an address may be dialled; PublicAddr when nil.
	// Tests allow loopback here.
	AllowAddr func(netip.Addr) bool
	// Lookup resolves a host name; net.DefaultResolver's LookupNetIP when nil.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

func (p Policy) allow(a netip.Addr) bool {
	if p.AllowAddr != nil {
		return p.AllowAddr(a)
	}
	return PublicAddr(a)
}

func (p Policy) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if p.Lookup != nil {
		return p.Lookup(ctx, host)
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// URLError is a webhook URL refused. Reason says why, for the partner: it never
// says what a name resolved to, or whether it resolved at all, so that the answer
// maps no names of the network the service runs in. Detail, when set, is that
// for the operator's log.
type URLError struct {
	Reason string
	Detail string
}

func (e *URLError) Error() string {
	if e.Detail != "" {
		return "webhook: url refused: " + e.Reason + " (" + e.Detail + ")"
	}
	return "webhook: url refused: " + e.Reason
}

// reasonNotPublic is the Reason of a host that is, or resolves to, an address the
// Policy does not allow, or does not resolve.
const reasonNotPublic = "must resolve to a public address"

// ErrRefusedAddr is a dial to an address the Policy does not allow.
var ErrRefusedAddr = errors.New("webhook: address refused")

// lookupTimeout bounds the resolution of a webhook host when it is set.
const lookupTimeout = 3 * time.Second

// CheckURL returns raw as a URL when p accepts it as a webhook: https (http too
// with AllowHTTP), a host, no user name or password, no fragment, and a host that
// is an allowed address or a name all of whose addresses are allowed. "localhost"
// and names under it are refused without asking DNS. A name that does not resolve
// is refused too, for the same reason. The error is a *URLError.
func CheckURL(ctx context.Context, raw string, p Policy) (*url.URL, error) {
	refuse := func(format string, args ...any) (*url.URL, error) {
		return nil, &URLError{Reason: fmt.Sprintf(format, args...)}
	}
	if raw == "" {
		return refuse("a url is required")
	}
	if len(raw) > MaxURLLength {
		return refuse("must be at most %d characters", MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return refuse("not a URL")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && p.AllowHTTP:
	default:
		return refuse("must be an https URL")
	}
	if u.Opaque != "" || u.Host == "" {
		return refuse("must name a host")
	}
	if u.User != nil {
		return refuse("must not carry a user name or password")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return refuse("must not have a fragment")
	}
	if port := u.Port(); port != "" {
		if n, err := netip.ParseAddrPort("0.0.0.0:" + port); err != nil || n.Port() == 0 {
			return refuse("port must be from 1 to 65535")
		}
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return refuse("must name a host")
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return refuse("must not name an address with a zone")
		}
		if !p.allow(a) {
			// The partner's own address, so saying what it is tells nothing new.
			return refuse("%s: %s is %s", reasonNotPublic, a, why(a))
		}
		return u, nil
	}
	notPublic := func(format string, args ...any) (*url.URL, error) {
		return nil, &URLError{Reason: reasonNotPublic, Detail: fmt.Sprintf(format, args...)}
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return notPublic("localhost and the names under it are loopback")
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := p.lookup(ctx, host)
	if err != nil || len(addrs) == 0 {
		return notPublic("host %s cannot be resolved", host)
	}
	for _, a := range addrs {
		if !p.allow(a.Unmap()) {
			return notPublic("host %s resolves to %s, %s", host, a.Unmap(), why(a))
		}
	}
	return u, nil
}

// blocked are the special-purpose ranges (RFC 6890 and its updates) a webhook may
// not reach, beyond those netip classifies itself.
var blocked = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network"`},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (CGNAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved for protocols"},
	{netip.MustParsePrefix("192.0.2.0/24"), "for documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "for benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "for documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "for documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (deprecated)"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64, which may reach private IPv4"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64, which may reach private IPv4"},
	{netip.MustParsePrefix("100::/64"), "a discard prefix"},
	{netip.MustParsePrefix("2001::/23"), "reserved for protocols (Teredo and others)"},
	{netip.MustParsePrefix("2001:db8::/32"), "for documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4, which may reach private IPv4"},
	{netip.MustParsePrefix("fec0::/10"), "site-local (deprecated)"},
}

// describe says what kind of address a is, when PublicAddr refuses it; "" when it
// does not.
func describe(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "no address"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a == netip.MustParseAddr("169.254.169.254"):
		return "the cloud metadata address"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	case a.IsPrivate():
		return "private"
	case a.Is4() && a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, b := range blocked {
		if b.prefix.Contains(a) {
			return b.what
		}
	}
	if !a.IsGlobalUnicast() {
		return "not a public unicast address"
	}
	return ""
}

// why says why an address was refused.
func why(a netip.Addr) string {
	if d := describe(a); d != "" {
		return d
	}
	return "not allowed"
}

// PublicAddr reports whether a is a public unicast address: not loopback, private
// (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with the cloud metadata
// address, fe80::/10), unspecified, multicast, shared (CGNAT, 100.64.0.0/10) or
// another special-purpose range. IPv4-mapped IPv6 addresses are judged as IPv4.
func PublicAddr(a netip.Addr) bool { return describe(a) == "" }

// dialControl refuses, at dial time, every address allow refuses: it sees the
// address the connection is about to use, after name resolution.
func dialControl(allow func(netip.Addr) bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s %q is no address", ErrRefusedAddr, network, address)
		}
		if a := ap.Addr().Unmap(); !allow(a) {
			return fmt.Errorf("%w: %s", ErrRefusedAddr, a)
		}
		return nil
	}
}
