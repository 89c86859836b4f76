package webhook

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestPublicAddr(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"93.184.215.14", true},
		{"2a00:1450:4001:80b::200e", true},
		{"127.0.0.1", false},
		{"127.8.9.10", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"172.32.0.1", true},
		{"192.168.1.1", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"169.254.169.254", false},
		{"169.254.1.1", false},
		{"fe80::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"224.0.0.1", false},
		{"ff02::1", false},
		{"100.64.0.1", false},
		{"100.127.255.255", false},
		{"100.128.0.1", true},
		{"255.255.255.255", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::127.0.0.1", false},
		{"64:ff9b::7f00:1", false},
		{"2002:7f00:1::1", false},
		{"192.0.2.1", false},
	}
	for _, tc := range tests {
		if got := PublicAddr(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("PublicAddr(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
}

// fakeLookup resolves the names of the table below, and nothing else.
func fakeLookup(_ context.Context, host string) ([]netip.Addr, error) {
	names := map[string][]string{
		"hooks.example.org":  {"93.184.215.14", "2a00:1450:4001:80b::200e"},
		"rebind.example.org": {"127.0.0.1"},
		"mixed.example.org":  {"93.184.215.14", "10.0.0.7"},
		"meta.example.org":   {"169.254.169.254"},
		"mapped.example.org": {"::ffff:192.168.0.1"},
	}
	var out []netip.Addr
	for _, a := range names[host] {
		out = append(out, netip.MustParseAddr(a))
	}
	if out == nil {
		return nil, errors.New("no such host")
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	strict := Policy{Lookup: fakeLookup}
	tests := []struct {
		name, url string
		policy    Policy
		refused   string // part of the reason; "" when accepted
	}{
		{"https name", "https://hooks.example.org/samenspel?key=abc", strict, ""},
		{"https public address", "https://93.184.215.14:8443/hook", strict, ""},
		{"loopback", "https://127.0.0.1/hook", strict, "loopback"},
		{"10/8", "https://10.0.0.1/hook", strict, "private"},
		{"172.16/12", "https://172.20.1.1/hook", strict, "private"},
		{"192.168/16", "https://192.168.0.10/hook", strict, "private"},
		{"::1", "https://[::1]/hook", strict, "loopback"},
		{"fe80::", "https://[fe80::1]/hook", strict, "link-local"},
		{"fe80:: with zone", "https://[fe80::1%25eth0]/hook", strict, "zone"},
		{"fc00::/7", "https://[fd00::5]/hook", strict, "private"},
		{"metadata", "https://169.254.169.254/latest/meta-data", strict, "metadata"},
		{"unspecified", "https://0.0.0.0/hook", strict, "unspecified"},
		{"multicast", "https://224.0.0.251/hook", strict, "multicast"},
		{"CGNAT", "https://100.64.1.1/hook", strict, "CGNAT"},
		{"mapped loopback", "https://[::ffff:127.0.0.1]/hook", strict, "loopback"},
		{"localhost", "https://localhost/hook", strict, "loopback"},
		{"localhost with a dot", "https://LocalHost./hook", strict, "loopback"},
		{"under localhost", "https://app.localhost/hook", strict, "loopback"},
		{"name resolving to loopback", "https://rebind.example.org/hook", strict, "resolves to 127.0.0.1, loopback"},
		{"name with one private address", "https://mixed.example.org/hook", strict, "resolves to 10.0.0.7, private"},
		{"name resolving to metadata", "https://meta.example.org/hook", strict, "metadata"},
		{"name resolving to mapped private", "https://mapped.example.org/hook", strict, "private"},
		{"name not resolving", "https://nowhere.example.org/hook", strict, "cannot be resolved"},
		{"literal loopback, said to be", "https://127.0.0.1/hook", strict, "must resolve to a public address: 127.0.0.1 is loopback"},
		{"http", "http://hooks.example.org/hook", strict, "https"},
		{"ftp", "ftp://hooks.example.org/hook", strict, "https"},
		{"no scheme", "hooks.example.org/hook", strict, "https"},
		{"no host", "https:///hook", strict, "host"},
		{"opaque", "https:hooks.example.org", strict, "host"},
		{"user info", "https://user:pw@hooks.example.org/hook", strict, "password"},
		{"fragment", "https://hooks.example.org/hook#x", strict, "fragment"},
		{"bad port", "https://hooks.example.org:0/hook", strict, "port"},
		{"empty", "", strict, "required"},
		{"too long", "https://hooks.example.org/" + strings.Repeat("a", MaxURLLength), strict, "at most"},
		{"http when allowed", "http://hooks.example.org/hook", Policy{AllowHTTP: true, Lookup: fakeLookup}, ""},
		{"loopback when allowed", "http://127.0.0.1:8080/hook", Policy{AllowHTTP: true, AllowAddr: func(netip.Addr) bool { return true }}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckURL(context.Background(), tc.url, tc.policy)
			var uerr *URLError
			switch {
			case tc.refused == "" && err != nil:
				t.Errorf("CheckURL(%q) = %v, want accepted", tc.url, err)
			case tc.refused != "" && (!errors.As(err, &uerr) || !strings.Contains(uerr.Reason+" "+uerr.Detail, tc.refused)):
				t.Errorf("CheckURL(%q) = %v, want a URLError saying %q", tc.url, err, tc.refused)
			case tc.refused != "" && uerr.Detail != "" && uerr.Reason != "must resolve to a public address":
				// What a name resolved to, or that it did not, is for the log only.
				t.Errorf("CheckURL(%q) Reason = %q, want only that it must resolve to a public address", tc.url, uerr.Reason)
			}
		})
	}
}

// TestCheckURLRealLocalhost: "localhost" through the real resolver too (a name
// that resolves to 127.0.0.1, whatever DNS says about names under it).
func TestCheckURLRealLocalhost(t *testing.T) {
	_, err := CheckURL(context.Background(), "https://localhost:8443/hook", Policy{})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("CheckURL(https://localhost:8443/hook) = %v, want refused as loopback", err)
	}
	// Past the name check, a strict policy still refuses what localhost resolves to.
	p := Policy{AllowHTTP: true}
	addrs, err := p.lookup(context.Background(), "localhost")
	if err != nil || len(addrs) == 0 {
		t.Skipf("localhost does not resolve here: %v", err)
	}
	for _, a := range addrs {
		if p.allow(a.Unmap()) {
			t.Errorf("the strict policy allows %s, an address of localhost", a)
		}
	}
}

// TestDialGuardRefusesLoopback: the strict client refuses loopback when it dials,
// so a URL whose name resolves to loopback by then (DNS rebinding) reaches nothing.
func TestDialGuardRefusesLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	client := newClient(Policy{}.allow)
	for _, u := range []string{srv.URL, "http://localhost:" + port, "http://[::ffff:127.0.0.1]:" + port} {
		resp, err := client.Get(u)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, ErrRefusedAddr) {
			t.Errorf("strict client GET %s = %v, want ErrRefusedAddr", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback receiver was reached %d times", n)
	}
	// The guard itself, on the addresses a dial would use.
	guard := dialControl(PublicAddr)
	for addr, refused := range map[string]bool{"127.0.0.1:443": true, "[::1]:443": true, "10.0.0.1:443": true,
		"169.254.169.254:80": true, "[fe80::1%eth0]:443": true, "no-address:443": true, "93.184.215.14:443": false} {
		if err := guard("tcp", addr, nil); (err != nil) != refused {
			t.Errorf("dialControl(%s) = %v, want refused %v", addr, err, refused)
		}
	}
}
