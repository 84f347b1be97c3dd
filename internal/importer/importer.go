// Package importer fetches a video from a URL a user gave, defending the
// server against server-side request forgery: only http and https; every
// address is checked when the connection is made, after DNS resolution, so
// that neither a hostname pointing inside the network nor a DNS rebinding
// reaches loopback, private, link-local (cloud metadata), CGNAT,
// unspecified or multicast addresses, or IPv4-mapped IPv6; redirects are
// re-checked and limited; time and bytes are bounded; responses are never
// decompressed (no compression bombs); proxies from the environment are
// ignored (they would bypass the checks).
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Options bound one import. Zero fields take the documented defaults.
type Options struct {
	// MaxBytes is the largest body accepted. Default 200 MiB.
	MaxBytes int64
	// Timeout bounds the whole fetch, body included. Default 60 s.
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed. Default 3; a
	// negative value follows none.
	MaxRedirects int
	// AllowLoopback lets tests fetch from httptest servers on 127.0.0.1.
	// Never set it in production; every other refusal still applies.
	AllowLoopback bool
	// Allow lists exact addresses (IP and port) a test may reach although
	// the policy refuses them, such as an httptest server serving hostile
	// responses; every other address stays refused. Nothing in the
	// configuration sets it: it exists for tests only.
	Allow []netip.AddrPort
	// UserAgent is sent with every request. Default "kmeme-importer/1".
	UserAgent string
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 200 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = 3
	}
	if o.MaxRedirects < 0 {
		o.MaxRedirects = 0
	}
	if o.UserAgent == "" {
		o.UserAgent = "kmeme-importer/1"
	}
	return o
}

// Importer fetches URLs under Options. It is safe for concurrent use.
type Importer struct {
	opt    Options
	client *http.Client
}

// New returns an Importer with its own hardened HTTP client.
func New(opt Options) *Importer {
	opt = opt.withDefaults()
	im := &Importer{opt: opt}
	dialer := &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return &RefusedError{Host: address, Reason: "unparseable address"}
			}
			for _, a := range opt.Allow {
				if a == ap {
					return nil
				}
			}
			return CheckAddr(ap.Addr(), opt.AllowLoopback)
		},
	}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		DisableCompression:     true,
		MaxIdleConns:           10,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  15 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	im.client = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opt.MaxRedirects {
				return kmeme.FieldError("url", "too many redirects (the limit is %d)", opt.MaxRedirects)
			}
			if _, err := CheckURL(req.URL.String()); err != nil {
				return err
			}
			return nil
		},
	}
	return im
}

// RefusedError says an address is not one the server may connect to.
type RefusedError struct {
	Host   string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refused to connect to %s: %s", e.Host, e.Reason)
}

// CheckAddr refuses addresses inside the server's networks. Loopback is
// allowed only when allowLoopback is set (tests).
func CheckAddr(a netip.Addr, allowLoopback bool) error {
	host := a.String()
	if a.Is4In6() {
		return &RefusedError{Host: host, Reason: "IPv4-mapped IPv6 address"}
	}
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return &RefusedError{Host: host, Reason: "invalid address"}
	case a.IsLoopback():
		if allowLoopback {
			return nil
		}
		return &RefusedError{Host: host, Reason: "loopback address"}
	case a.IsUnspecified():
		return &RefusedError{Host: host, Reason: "unspecified address"}
	case a.IsPrivate():
		return &RefusedError{Host: host, Reason: "private network address"}
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return &RefusedError{Host: host, Reason: "link-local address (cloud metadata lives here)"}
	case a.IsMulticast(), a.IsInterfaceLocalMulticast():
		return &RefusedError{Host: host, Reason: "multicast address"}
	}
	for _, p := range refusedPrefixes {
		if p.Contains(a) {
			return &RefusedError{Host: host, Reason: "reserved or internal network (" + p.String() + ")"}
		}
	}
	return nil
}

// refusedPrefixes are ranges netip has no predicate for.
var refusedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),         // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),     // CGNAT
	netip.MustParsePrefix("192.0.0.0/24"),      // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),     // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),       // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),      // NAT64 can reach IPv4 internals
	netip.MustParsePrefix("64:ff9b:1::/48"),    // local-use NAT64
	netip.MustParsePrefix("2002::/16"),         // 6to4 embeds IPv4
	netip.MustParsePrefix("fd00:ec2::254/128"), // AWS metadata over IPv6 (also ULA)
}

// numericHost matches hosts made only of numbers in any base, such as
// 127.1, 0x7f000001, 2130706433 or 0177.0.0.1: forms resolvers read as
// IP addresses that a plain IP parser does not, used to slip past filters.
var numericHost = regexp.MustCompile(`^(?i)(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*\.?$`)

// CheckURL accepts absolute http and https URLs with a host, no
// credentials, and no IP address in an unusual notation; IP literals are
// checked at once (the dialer checks every other address on connect).
func CheckURL(raw string) (*url.URL, error) {
	if len(raw) > 2048 {
		return nil, kmeme.FieldError("url", "is longer than 2048 characters")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, kmeme.FieldError("url", "is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, kmeme.FieldError("url", "only http and https URLs can be imported, not %q", u.Scheme)
	}
	if u.User != nil {
		return nil, kmeme.FieldError("url", "must not carry a user name or password")
	}
	host := u.Hostname()
	if host == "" {
		return nil, kmeme.FieldError("url", "has no host")
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if err := CheckAddr(a, false); err != nil {
			var re *RefusedError
			if errors.As(err, &re) && !(a.Unmap().IsLoopback() && !a.Is4In6()) {
				return nil, refused(err)
			}
		}
		return u, nil
	}
	if numericHost.MatchString(host) {
		return nil, kmeme.FieldError("url", "the host %q is an IP address in an unusual notation; use a name or a dotted IPv4 address", host)
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		// Resolves to loopback everywhere; the dialer would refuse it anyway,
		// this only gives a clearer message without a DNS query.
		return u, nil
	}
	return u, nil
}

func refused(err error) error {
	var re *RefusedError
	if errors.As(err, &re) {
		return &kmeme.Error{Code: kmeme.EINVALID, Field: "url", Message: "this address cannot be imported from: " + re.Reason, Err: err}
	}
	return err
}

// Result describes a fetched body.
type Result struct {
	FinalURL    string // after redirects
	ContentType string // as the server declared it (informational only)
	Size        int64
	Filename    string // the last path segment, for display
}

// Fetch downloads rawURL into w, refusing anything outside the policy.
// Errors are *kmeme.Error: EINVALID naming "url" for refused or failed
// fetches, ETOOLARGE past MaxBytes, EUNAVAILABLE when the remote times out.
func (im *Importer) Fetch(ctx context.Context, rawURL string, w io.Writer) (*Result, error) {
	u, err := CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, im.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, kmeme.FieldError("url", "is not a valid URL")
	}
	req.Header.Set("User-Agent", im.opt.UserAgent)
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := im.client.Do(req)
	if err != nil {
		return nil, im.fetchError(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, kmeme.FieldError("url", "the server answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if resp.ContentLength > im.opt.MaxBytes {
		return nil, kmeme.Errorf(kmeme.ETOOLARGE, "the remote file is %d bytes; the limit is %d", resp.ContentLength, im.opt.MaxBytes)
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return nil, kmeme.FieldError("url", "the server sent a compressed (%s) body; only plain files are imported", ce)
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, im.opt.MaxBytes+1))
	if err != nil {
		return nil, im.fetchError(ctx, err)
	}
	if n > im.opt.MaxBytes {
		return nil, kmeme.Errorf(kmeme.ETOOLARGE, "the remote file is larger than the limit of %d bytes", im.opt.MaxBytes)
	}
	final := resp.Request.URL
	name := final.Path[strings.LastIndex(final.Path, "/")+1:]
	return &Result{FinalURL: final.String(), ContentType: resp.Header.Get("Content-Type"), Size: n, Filename: name}, nil
}

func (im *Importer) fetchError(ctx context.Context, err error) error {
	var ke *kmeme.Error
	if errors.As(err, &ke) {
		return err
	}
	var re *RefusedError
	if errors.As(err, &re) {
		return refused(err)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &kmeme.Error{Code: kmeme.EINVALID, Field: "url", Message: fmt.Sprintf("the remote server did not send the file within %s", im.opt.Timeout), Err: err}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("import: %w", ctx.Err())
	}
	return &kmeme.Error{Code: kmeme.EINVALID, Field: "url", Message: "the file could not be fetched", Err: err}
}
