package config

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestAuthLimitsPrivacyDefaultsAndErrors(t *testing.T) {
	t.Parallel()
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	tr, lim := c.Auth, c.Limits
	if tr.AccessTTL != 15*time.Minute || tr.CookieSecure || tr.Issuer != "kmeme" {
		t.Errorf("auth defaults = %+v", tr)
	}
	if lim.QuotaZone != "Asia/Seoul" || lim.QuotaPlans["free"] != 20 || lim.RateRead != (Rate{120, time.Minute}) ||
		lim.LocalKeys != 100000 || lim.LocalShare != 1 || lim.QuotaFlush != 10*time.Second {
		t.Errorf("limit defaults = %+v", lim)
	}
	if c.Privacy.RetentionDays != 0 {
		t.Errorf("privacy defaults = %+v", c.Privacy)
	}
	prodEnv := map[string]string{"KMEME_ENV": "production", "KMEME_RATE_AUTH": "5/s", "KMEME_ADMIN_EMAILS": "a@x.kr, b@x.kr"}
	if _, err := FromEnv(env(prodEnv)); err == nil || !strings.Contains(err.Error(), "KMEME_KEY_ENCRYPTION_KEY") {
		t.Errorf("production without a key-encryption key: %v", err)
	}
	prodEnv["KMEME_KEY_ENCRYPTION_KEY"] = "k1:short"
	if _, err := FromEnv(env(prodEnv)); err == nil || !strings.Contains(err.Error(), "32 bytes") {
		t.Errorf("a short key-encryption key: %v", err)
	}
	prodEnv["KMEME_KEY_ENCRYPTION_KEY"] = "k2:" + base64.StdEncoding.EncodeToString(make([]byte, 32)) + ",k1:" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	c, err = FromEnv(env(prodEnv))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Auth.CookieSecure || c.Limits.RateAuth != (Rate{5, time.Second}) || len(c.Auth.AdminEmails) != 2 {
		t.Errorf("production = %+v %+v", c.Auth, c.Limits)
	}
	if tr.FirebaseAPIKey != "" || tr.FirebaseAuthDomain != "" {
		t.Errorf("firebase web defaults = %q %q, want empty", tr.FirebaseAPIKey, tr.FirebaseAuthDomain)
	}
	key := "AIzaSyA-0123456789abcdefghijklmnopqrstu"
	c, err = FromEnv(env(map[string]string{"KMEME_FIREBASE_PROJECT_ID": "kmeme-prod", "KMEME_FIREBASE_API_KEY": key}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Auth.FirebaseAPIKey != key || c.Auth.FirebaseAuthDomain != "kmeme-prod.firebaseapp.com" {
		t.Errorf("firebase web = %q %q", c.Auth.FirebaseAPIKey, c.Auth.FirebaseAuthDomain)
	}
	for _, kv := range []map[string]string{
		{"KMEME_FIREBASE_API_KEY": key},
		{"KMEME_FIREBASE_PROJECT_ID": "p", "KMEME_FIREBASE_API_KEY": "not a key!"},
		{"KMEME_FIREBASE_PROJECT_ID": "p", "KMEME_FIREBASE_AUTH_DOMAIN": "https://p.firebaseapp.com/"},
	} {
		_, err := FromEnv(env(kv))
		if err == nil || !strings.Contains(err.Error(), "KMEME_FIREBASE_") {
			t.Errorf("%v: err = %v, want it to name the variable", kv, err)
		}
	}
	for _, tc := range []struct{ k, v, want string }{
		{"KMEME_RATE_READ", "lots", "KMEME_RATE_READ"},
		{"KMEME_RATE_READ", "0/1m", "KMEME_RATE_READ"},
		{"KMEME_QUOTA_PLANS", "pro=5", "KMEME_QUOTA_PLANS"},
		{"KMEME_QUOTA_PLANS", "free=x", "KMEME_QUOTA_PLANS"},
		{"KMEME_QUOTA_ZONE", "Mars/Olympus", "KMEME_QUOTA_ZONE"},
		{"KMEME_AUTH_ACCESS_TTL", "1s", "KMEME_AUTH_ACCESS_TTL"},
		{"KMEME_RETENTION_DAYS", "-1", "KMEME_RETENTION_DAYS"},
		{"KMEME_RATE_LOCAL_SHARE", "2", "KMEME_RATE_LOCAL_SHARE"},
	} {
		_, err := FromEnv(env(map[string]string{tc.k: tc.v}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%s: err = %v, want it to name %s", tc.k, tc.v, err, tc.want)
		}
	}
}
