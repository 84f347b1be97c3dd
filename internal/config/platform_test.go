package config

import (
	"strings"
	"testing"
	"time"
)

func TestPlatformDefaultsAndErrors(t *testing.T) {
	t.Parallel()
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Platform
	if p.Workers != 2 || p.MaxUploadBytes != 200<<20 || p.JobMaxAttempts != 3 || p.JobTimeout != 10*time.Minute ||
		p.JobRescueAfter != 15*time.Minute || p.ImportTimeout != time.Minute || p.BlobURL != "" {
		t.Errorf("defaults = %+v", p)
	}
	c, err = FromEnv(env(map[string]string{"KMEME_BLOB_URL": "s3://bucket/kmeme", "KMEME_S3_ENDPOINT": "http://127.0.0.1:9000", "KMEME_WORKERS": "0"}))
	if err != nil || c.Platform.BlobURL != "s3://bucket/kmeme" || c.Platform.Workers != 0 {
		t.Errorf("s3 = %+v, %v", c.Platform, err)
	}
	for _, tc := range []struct{ k, v string }{
		{"KMEME_WORKERS", "-1"},
		{"KMEME_WORKERS", "1000"},
		{"KMEME_BLOB_URL", "ftp://x"},
		{"KMEME_S3_ENDPOINT", "minio:9000"},
		{"KMEME_MAX_UPLOAD_BYTES", "10"},
		{"KMEME_IMPORT_TIMEOUT", "1ms"},
		{"KMEME_JOB_MAX_ATTEMPTS", "0"},
		{"KMEME_JOB_TIMEOUT", "10ms"},
		{"KMEME_JOB_RESCUE_AFTER", "1m"},
	} {
		_, err := FromEnv(env(map[string]string{tc.k: tc.v}))
		if err == nil || !strings.Contains(err.Error(), tc.k) {
			t.Errorf("%s=%s: error %v should name the variable", tc.k, tc.v, err)
		}
	}
}
