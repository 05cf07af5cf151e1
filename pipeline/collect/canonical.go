package collect

import (
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// trackingParams are query parameters that say where a reader came from,
// not which article they read.
var trackingParams = []string{"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src"}

func isTracking(param string) bool {
	p := strings.ToLower(param)
	if strings.HasPrefix(p, "utm_") {
		return true
	}
	for _, t := range trackingParams {
		if p == t {
			return true
		}
	}
	return false
}

// canonicalURL is the key of an article fetched from final (the URL after
// redirects) whose page declares declared (<link rel=canonical> or og:url,
// possibly empty or relative). The declared URL is taken only on the same
// site, so that no page can claim another site's article; tracking
// parameters and the fragment are dropped, scheme and host lower-cased,
// default ports removed.
func canonicalURL(final *url.URL, declared string) string {
	u := *final
	if declared != "" {
		if d, err := final.Parse(declared); err == nil && (d.Scheme == "http" || d.Scheme == "https") && sameSite(d, final) {
			u = *d
		}
	}
	return normalizeURL(&u)
}

func normalizeURL(u *url.URL) string {
	v := *u
	v.Scheme = strings.ToLower(v.Scheme)
	v.Host = strings.ToLower(v.Host)
	if port := v.Port(); port == "80" && v.Scheme == "http" || port == "443" && v.Scheme == "https" {
		v.Host = v.Hostname()
	}
	v.Fragment, v.RawFragment = "", ""
	if v.RawQuery != "" {
		q := v.Query()
		for k := range q {
			if isTracking(k) {
				q.Del(k)
			}
		}
		v.RawQuery = q.Encode()
	}
	if v.Path == "" {
		v.Path = "/"
	}
	return v.String()
}

// sameSite reports whether two URLs share a registrable domain
// (www.example.co.uk and news.example.co.uk do; example.com and
// example.org do not).
func sameSite(a, b *url.URL) bool {
	if strings.EqualFold(a.Hostname(), b.Hostname()) {
		return true
	}
	da, errA := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(a.Hostname()))
	db, errB := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(b.Hostname()))
	return errA == nil && errB == nil && da == db
}
