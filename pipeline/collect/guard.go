package collect

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

	"golang.org/x/net/http/httpproxy"
)

// ErrPrivateAddress is returned for a connection to a loopback, private,
// link-local or unspecified address that neither a source named nor
// Options.AllowPrivate allowed.
var ErrPrivateAddress = errors.New("refused to connect to a private address")

// dialGuard keeps a feed, a sitemap, a link or a redirect from turning the
// crawler against the network it runs in. The address is checked at
// connection time, after DNS, so that no host name, redirect or numeric
// spelling of an address (2130706433, 0.0.0.0, [::1]) gets round it.
type dialGuard struct {
	// trusted are the hosts, lower case, that may have any address: those
	// of the sources the user named and of the proxies configured.
	trusted map[string]bool
	guarded net.Dialer
	plain   net.Dialer
}

func newDialGuard(sources []string) *dialGuard {
	g := &dialGuard{trusted: map[string]bool{}}
	g.plain = net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	g.guarded = g.plain
	g.guarded.Control = refusePrivate
	// A proxy is dialled in place of the page's host: the user chose it.
	proxies := httpproxy.FromEnvironment()
	for _, s := range append(sources, proxies.HTTPProxy, proxies.HTTPSProxy) {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			g.trusted[strings.ToLower(u.Hostname())] = true
		}
	}
	return g
}

func (g *dialGuard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, _, err := net.SplitHostPort(addr); err == nil && g.trusted[strings.ToLower(host)] {
		return g.plain.DialContext(ctx, network, addr)
	}
	return g.guarded.DialContext(ctx, network, addr)
}

// refusePrivate is a net.Dialer Control function: it runs once the address
// to connect to is known.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s is not an IP address", ErrPrivateAddress, address)
	}
	if kind := privateKind(ap.Addr().Unmap()); kind != "" {
		return fmt.Errorf("%w: %s is %s (name its host as a source, or pass -allow-private)", ErrPrivateAddress, ap.Addr(), kind)
	}
	return nil
}

// privateKind names the kind of an address that is not on the public
// internet, or returns "".
func privateKind(ip netip.Addr) string {
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsUnspecified():
		return "the unspecified address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "a link-local address"
	case ip.IsInterfaceLocalMulticast():
		return "an interface-local address"
	}
	return ""
}
