package config

import (
	"strings"
	"testing"
	"time"
)

func TestJobsBlobsUploadsDefaultsAndErrors(t *testing.T) {
	t.Parallel()
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	j, u := c.Jobs, c.Uploads
	if j.Workers != 2 || j.MaxAttempts != 3 || j.Timeout != 10*time.Minute || j.RescueAfter != 15*time.Minute {
		t.Errorf("job defaults = %+v", j)
	}
	if u.MaxBytes != 200<<20 || u.ImportTimeout != time.Minute || c.Blobs.URL != "" || c.Blobs.S3Endpoint != "" {
		t.Errorf("upload and blob defaults = %+v %+v", u, c.Blobs)
	}
	c, err = FromEnv(env(map[string]string{"KMEME_BLOB_URL": "s3://bucket/kmeme", "KMEME_S3_ENDPOINT": "http://127.0.0.1:9000", "KMEME_WORKERS": "0"}))
	if err != nil || c.Blobs.URL != "s3://bucket/kmeme" || c.Blobs.S3Endpoint != "http://127.0.0.1:9000" || c.Jobs.Workers != 0 {
		t.Errorf("s3 = %+v %+v, %v", c.Blobs, c.Jobs, err)
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
		{"KMEME_DEFAULT_VISIBILITY", "friends"},
	} {
		_, err := FromEnv(env(map[string]string{tc.k: tc.v}))
		if err == nil || !strings.Contains(err.Error(), tc.k) {
			t.Errorf("%s=%s: error %v should name the variable", tc.k, tc.v, err)
		}
	}
}
