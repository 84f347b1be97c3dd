package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/lifecycle"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/privacy"
	"github.com/kmeme-factory/kmeme/internal/quota"
	"github.com/kmeme-factory/kmeme/internal/ratelimit"
)

// access wires who may do what into deps.Access (sign-in, rate limits,
// quotas, consents, privacy) and adds the quota flusher, the retention
// purge and the signing-key refresh to a.services.
func (a *app) access(ctx context.Context, deps *httpapi.Deps) error {
	ac, lc := a.cfg.Auth, a.cfg.Limits
	users := postgres.NewUserStore(a.db.Pool)
	tokens := postgres.NewTokenStore(a.db.Pool)
	audit := postgres.NewAuditLog(a.db.Pool)
	var sealKeys []auth.SealKey
	if ac.KeyEncryptionKeys != "" {
		keys, err := auth.ParseSealKeys(ac.KeyEncryptionKeys)
		if err != nil {
			return fmt.Errorf("KMEME_KEY_ENCRYPTION_KEY: %w", err)
		}
		sealKeys = keys
	} else {
		// Development only (production refuses to start without the key).
		sealKeys = []auth.SealKey{auth.DevelopmentSealKey(a.cfg.DatabaseURL)}
		a.log.Warn("signing keys are sealed with a development key derived from the database URL; set KMEME_KEY_ENCRYPTION_KEY outside development")
	}
	sealer, err := auth.NewSealer(sealKeys...)
	if err != nil {
		return fmt.Errorf("KMEME_KEY_ENCRYPTION_KEY: %w", err)
	}
	ring := auth.NewKeyRing(tokens, auth.KeyRingConfig{Issuer: ac.Issuer, AccessTTL: ac.AccessTTL, Rotation: ac.KeyRotation, Sealer: sealer})
	if err := ring.Load(ctx); err != nil {
		return fmt.Errorf("signing keys (run kmeme migrate?): %w", err)
	}
	svc := &auth.Service{Users: users, Tokens: tokens, Audit: audit, Keys: ring, Params: auth.DefaultPasswordParams,
		RefreshTTL: ac.RefreshTTL, AdminEmails: ac.AdminEmails}
	if ac.FirebaseProjectID != "" {
		svc.Firebase = auth.NewFirebaseVerifier(auth.FirebaseConfig{ProjectID: ac.FirebaseProjectID, CertURL: ac.FirebaseCertURL,
			MinRefetch: ac.FirebaseRefetch, Leeway: ac.TokenLeeway})
	}
	budget := func(r config.Rate) ratelimit.Budget { return ratelimit.Budget{Count: r.Count, Period: r.Period} }
	lim := ratelimit.New(a.redis, ratelimit.Config{
		Budgets: map[string]ratelimit.Budget{"read": budget(lc.RateRead), "upload": budget(lc.RateUpload),
			"remix": budget(lc.RateRemix), "auth": budget(lc.RateAuth)},
		Timeout: a.cfg.RedisTimeout, LocalKeys: lc.LocalKeys, LocalShare: lc.LocalShare, Registerer: a.metrics.Registry,
	})
	quotas, err := quota.New(a.redis, postgres.NewQuotaStore(a.db.Pool), quota.Config{Plans: lc.QuotaPlans, Zone: lc.QuotaZone,
		FlushEvery: lc.QuotaFlush, Timeout: a.cfg.RedisTimeout, Log: a.log, Registerer: a.metrics.Registry})
	if err != nil {
		return err
	}
	// Accounts named in KMEME_ADMIN_EMAILS that already exist become admins.
	for _, email := range ac.AdminEmails {
		if u, err := users.ByEmail(ctx, email); err == nil && u.Role != kmeme.RoleAdmin {
			if err := users.SetRole(ctx, u.ID, kmeme.RoleAdmin); err != nil {
				return fmt.Errorf("promote %s (KMEME_ADMIN_EMAILS): %w", email, err)
			}
			a.log.Info("admin role granted", "user_id", u.ID)
		}
	}
	priv := &privacy.Service{GDPR: postgres.NewGDPRStore(a.db.Pool), Audit: audit, Redis: a.redis, Blobs: deps.Content.Blobs,
		Log: a.log, RetentionDays: a.cfg.Privacy.RetentionDays}
	deps.Access = httpapi.AccessDeps{Auth: svc, Limiter: lim, Quota: quotas, Users: users, Audit: audit, Privacy: priv,
		Costs: postgres.NewCostLedger(a.db.Pool, a.ai.BudgetUSD), CookieSecure: ac.CookieSecure,
		Consents: postgres.NewConsentStore(a.db.Pool)}
	if svc.Firebase != nil && ac.FirebaseAPIKey != "" {
		deps.Access.FirebaseWeb = &httpapi.FirebaseWeb{APIKey: ac.FirebaseAPIKey, AuthDomain: ac.FirebaseAuthDomain, ProjectID: ac.FirebaseProjectID}
	}

	a.services.Add("quota flusher", quotas)
	a.services.Add("retention purge", priv)
	// Keys rotate when the active one reaches KMEME_AUTH_KEY_ROTATION; the
	// hourly Load also picks up keys other instances made.
	a.services.Add("signing key refresh", &lifecycle.Periodic{Every: time.Hour, Task: func(ctx context.Context) {
		if err := ring.Load(ctx); err != nil {
			a.log.Warn("signing key refresh failed", "err", err.Error())
		}
	}})
	a.log.Info("access ready", "firebase", ac.FirebaseProjectID != "", "firebase_web", deps.Access.FirebaseWeb != nil, "quota_zone", lc.QuotaZone)
	return nil
}
