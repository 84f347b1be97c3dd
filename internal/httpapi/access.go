package httpapi

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/quota"
	"github.com/kmeme-factory/kmeme/internal/ratelimit"
)

// AccessDeps are the dependencies of sign-in, rate limits, quotas and
// privacy. Every field is optional: without Auth every caller
// is anonymous, without Limiter nothing is rate limited, without Quota
// nothing is counted.
type AccessDeps struct {
	Auth    *auth.Service
	Limiter *ratelimit.Limiter
	Quota   *quota.Service
	Users   kmeme.UserStore
	Audit   kmeme.AuditLog
	// Privacy answers GDPR export and erasure.
	Privacy Privacy
	// Costs answers the admin cost report.
	Costs kmeme.CostLedger
	// Consents records what each user agreed to.
	Consents kmeme.ConsentStore
	// CookieSecure marks session cookies Secure (production).
	CookieSecure bool
	// FirebaseWeb is published by GET /api/auth/config when Auth also
	// verifies Firebase tokens; nil hides Google sign-in in the web app.
	FirebaseWeb *FirebaseWeb
}

// Privacy is GDPR export and erasure of one user.
type Privacy interface {
	Export(ctx context.Context, userID string) (any, error)
	Erase(ctx context.Context, userID string) error
}

// Cookie names (docs/API.md).
const (
	cookieSession = "kmeme_session"
	cookieRefresh = "kmeme_refresh"
	cookieCSRF    = "kmeme_csrf"
	headerCSRF    = "X-CSRF-Token"
)

// withTrust authenticates the request: a bearer token (a bad one is 401
// before any database work) or the session cookie (a stale one makes the
// request anonymous; unsafe methods must echo the CSRF cookie in
// X-CSRF-Token). The caller goes into the context.
func (s *Server) withTrust(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Access.Auth == nil {
			next.ServeHTTP(w, r)
			return
		}
		tok, viaCookie := "", false
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, t, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(t) == "" {
				writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "use Authorization: Bearer <token>"))
				return
			}
			tok = strings.TrimSpace(t)
		} else if c, err := r.Cookie(cookieSession); err == nil && c.Value != "" && !signInPath(r.URL.Path) {
			tok, viaCookie = c.Value, true
		}
		if tok == "" {
			next.ServeHTTP(w, r)
			return
		}
		caller, err := s.Access.Auth.Authenticate(r.Context(), tok)
		if err != nil {
			if viaCookie && auth.IsUnauthorized(err) {
				next.ServeHTTP(w, r) // an expired session: anonymous; guarded routes answer 401
				return
			}
			writeError(w, r, s.Log, err)
			return
		}
		if viaCookie {
			caller.Via = "session"
			if unsafeMethod(r.Method) && !csrfOK(r) {
				writeError(w, r, s.Log, kmeme.Errorf(kmeme.EFORBIDDEN, "send the kmeme_csrf cookie's value in the X-CSRF-Token header"))
				return
			}
		}
		// An access token outlives an erasure by up to its TTL: before any
		// write, the account must still exist (reads need no probe: an
		// erased account owns nothing left to read). Repeating the erasure
		// itself stays harmless: DELETE /api/me answers 204 again.
		eraseAgain := r.Method == http.MethodDelete && r.URL.Path == "/api/me"
		if unsafeMethod(r.Method) && caller.Via != "firebase" && s.Access.Users != nil && !signInPath(r.URL.Path) && !eraseAgain {
			live, err := s.Access.Users.Exists(r.Context(), caller.UserID)
			if err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			if !live {
				writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "this account no longer exists"))
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(kmeme.WithCaller(r.Context(), caller)))
	})
}

// signInPath: signing in ignores an existing session, so a browser holding
// one does not need the CSRF header to sign in again.
func signInPath(p string) bool {
	return p == "/api/auth/login" || p == "/api/auth/signup" || p == "/api/auth/firebase"
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// csrfOK is the double-submit check: header equals cookie, both present.
func csrfOK(r *http.Request) bool {
	c, err := r.Cookie(cookieCSRF)
	h := r.Header.Get(headerCSRF)
	return err == nil && c.Value != "" && h != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(h)) == 1
}

// budgetOf names the route's rate-limit budget.
func budgetOf(rt Route) string {
	if rt.Limit != "" {
		return rt.Limit
	}
	if rt.Method == http.MethodGet || rt.Method == http.MethodHead {
		return "read"
	}
	return "remix"
}

// guard wraps one route with its policy: sign-in, rate-limit budget and
// quota. Operations routes (health, readiness, metrics, docs) are exempt.
//
// The quota is charged by the handler through chargeQuota once it knows
// the request is new work — after its Idempotency-Key claim, so that the
// replay of a stored answer never spends (and is never refused at the
// quota edge). A handler that answers success without charging is charged
// afterwards. A charge is refunded when the answer is 400 or more.
func (s *Server) guard(rt Route, h http.Handler) http.Handler {
	if rt.Tag == "ops" {
		return h
	}
	budget := budgetOf(rt)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		caller := kmeme.CallerFrom(ctx)
		if rt.Auth && caller == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "sign in first"))
			return
		}
		if lim := s.Access.Limiter; lim != nil {
			key := "ip:" + clientIP(r)
			if caller != nil {
				key = "u:" + caller.UserID
			}
			res, err := lim.Allow(ctx, budget, key, rt.PaidAI)
			if err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			if !writeRateLimit(w, r, s, res) {
				return
			}
		}
		if rt.Quota <= 0 || s.Access.Quota == nil || caller == nil {
			h.ServeHTTP(w, r)
			return
		}
		// The PostgreSQL reads of a spend happen here, before the handler
		// opens its transaction; the charge itself is Redis only. An error
		// is kept for the charge: a replay needs no quota.
		prep, perr := s.Access.Quota.Prepare(ctx, caller.UserID)
		ch := &quotaCharge{prep: prep, err: perr, units: int64(rt.Quota)}
		rec := &recorder{ResponseWriter: w}
		refund := func() {
			if !ch.spent {
				return
			}
			if err := s.Access.Quota.Refund(context.WithoutCancel(ctx), caller.UserID, ch.day, ch.units); err != nil {
				s.Log.WarnContext(ctx, "quota refund failed", "err", err.Error(), "user_id", caller.UserID)
			}
		}
		defer func() {
			if p := recover(); p != nil {
				refund() // a crashed handler did not deliver
				panic(p)
			}
		}()
		h.ServeHTTP(rec, r.WithContext(context.WithValue(ctx, quotaChargeKey{}, ch)))
		switch {
		case rec.status >= 400:
			refund()
		case !ch.tried && w.Header().Get("Idempotent-Replayed") != "true":
			// The handler delivered without charging: count it now.
			if err := ch.charge(context.WithoutCancel(ctx)); err != nil {
				s.Log.WarnContext(ctx, "quota charge after the answer failed", "err", err.Error(), "user_id", caller.UserID)
			}
		}
	})
}

type quotaChargeKey struct{}

// quotaCharge is the route's quota, charged at most once per request.
type quotaCharge struct {
	prep  *quota.Charge
	err   error // of Prepare
	units int64
	tried bool
	spent bool
	day   string
}

func (c *quotaCharge) charge(ctx context.Context) error {
	if c.tried {
		return nil
	}
	c.tried = true
	if c.err != nil {
		return c.err
	}
	st, err := c.prep.Spend(ctx, c.units)
	if err != nil {
		return err
	}
	c.spent, c.day = true, st.Day
	return nil
}

// chargeQuota spends the route's quota for this request (once; nothing
// when the route has none): a handler calls it when it knows the request
// is new work, before doing it. A quota error is the answer to give.
func chargeQuota(ctx context.Context) error {
	if c, ok := ctx.Value(quotaChargeKey{}).(*quotaCharge); ok {
		return c.charge(ctx)
	}
	return nil
}

// writeRateLimit sets the RateLimit headers and answers 429 when denied;
// it reports whether the request may go on.
func writeRateLimit(w http.ResponseWriter, r *http.Request, s *Server, res ratelimit.Result) bool {
	if res.Limit <= 0 {
		return true
	}
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(res.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(res.Remaining))
	h.Set("RateLimit-Reset", ratelimit.Seconds(res.ResetAfter))
	if res.Allowed {
		return true
	}
	retry := int(res.RetryAfter / time.Second)
	if res.RetryAfter%time.Second != 0 || retry == 0 {
		retry++
	}
	writeError(w, r, s.Log, &kmeme.Error{Code: kmeme.ERATELIMIT, RetryAfterS: retry,
		Message: "too many requests; wait " + strconv.Itoa(retry) + "s"})
	return false
}
