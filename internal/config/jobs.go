package config

import (
	"strings"
	"time"
)

// Jobs holds the pipeline's job settings.
type Jobs struct {
	// Workers is how many pipeline jobs run at once in this process
	// (KMEME_WORKERS, default 2; 0 disables workers in `kmeme serve`).
	Workers int
	// MaxAttempts is how many times a pipeline stage is tried before the
	// remix is marked failed (KMEME_JOB_MAX_ATTEMPTS, default 3).
	MaxAttempts int
	// Timeout bounds one pipeline stage (KMEME_JOB_TIMEOUT, default 10m).
	Timeout time.Duration
	// RescueAfter is how long a running job may go without finishing
	// before another worker takes it over, as after a crash
	// (KMEME_JOB_RESCUE_AFTER, default 15m; must exceed KMEME_JOB_TIMEOUT).
	RescueAfter time.Duration
}

// Blobs picks where files (source videos, rendered files) are kept.
type Blobs struct {
	// URL picks the blob store (KMEME_BLOB_URL): empty for the local
	// directory DataDir/blobs, file:///abs/dir for another directory, or
	// s3://bucket/prefix for S3-compatible storage (region and credentials
	// come from the AWS SDK's usual chain).
	URL string
	// S3Endpoint is the S3-compatible endpoint for non-AWS storage
	// (KMEME_S3_ENDPOINT, default empty = AWS); path-style addressing is
	// used when it is set.
	S3Endpoint string
}

// Uploads holds the limits of received videos, uploaded or imported.
type Uploads struct {
	// MaxBytes caps uploads and URL imports (KMEME_MAX_UPLOAD_BYTES,
	// default 200 MiB); larger bodies are answered 413 before being read.
	MaxBytes int64
	// ImportTimeout bounds one URL import, body included (KMEME_IMPORT_TIMEOUT, default 60s).
	ImportTimeout time.Duration
}

func loadJobs(p *parser) Jobs {
	return Jobs{
		Workers:     int(p.int64("KMEME_WORKERS", 2)),
		MaxAttempts: int(p.int64("KMEME_JOB_MAX_ATTEMPTS", 3)),
		Timeout:     p.dur("KMEME_JOB_TIMEOUT", 10*time.Minute),
		RescueAfter: p.dur("KMEME_JOB_RESCUE_AFTER", 15*time.Minute),
	}
}

func loadBlobs(p *parser) Blobs {
	return Blobs{URL: p.str("KMEME_BLOB_URL", ""), S3Endpoint: p.str("KMEME_S3_ENDPOINT", "")}
}

func loadUploads(p *parser) Uploads {
	return Uploads{
		MaxBytes:      p.int64("KMEME_MAX_UPLOAD_BYTES", 200<<20),
		ImportTimeout: p.dur("KMEME_IMPORT_TIMEOUT", 60*time.Second),
	}
}

func (c Jobs) validate() []error {
	var errs []error
	if c.Workers < 0 || c.Workers > 256 {
		errs = append(errs, errorf("KMEME_WORKERS: %d must be between 0 and 256", c.Workers))
	}
	if c.MaxAttempts < 1 || c.MaxAttempts > 25 {
		errs = append(errs, errorf("KMEME_JOB_MAX_ATTEMPTS: %d must be between 1 and 25", c.MaxAttempts))
	}
	if c.Timeout < time.Second {
		errs = append(errs, errorf("KMEME_JOB_TIMEOUT: %s must be at least 1s", c.Timeout))
	}
	if c.RescueAfter <= c.Timeout {
		errs = append(errs, errorf("KMEME_JOB_RESCUE_AFTER: %s must be longer than KMEME_JOB_TIMEOUT (%s)", c.RescueAfter, c.Timeout))
	}
	return errs
}

func (c Blobs) validate() []error {
	var errs []error
	if c.URL != "" && !strings.HasPrefix(c.URL, "file://") && !strings.HasPrefix(c.URL, "s3://") {
		errs = append(errs, errorf("KMEME_BLOB_URL: %q must start with file:// or s3://", c.URL))
	}
	if c.S3Endpoint != "" && !strings.HasPrefix(c.S3Endpoint, "http://") && !strings.HasPrefix(c.S3Endpoint, "https://") {
		errs = append(errs, errorf("KMEME_S3_ENDPOINT: %q must be an http:// or https:// URL", c.S3Endpoint))
	}
	return errs
}

func (c Uploads) validate() []error {
	var errs []error
	if c.MaxBytes < 1<<10 || c.MaxBytes > 16<<30 {
		errs = append(errs, errorf("KMEME_MAX_UPLOAD_BYTES: %d must be between 1 KiB and 16 GiB", c.MaxBytes))
	}
	if c.ImportTimeout < time.Second || c.ImportTimeout > time.Hour {
		errs = append(errs, errorf("KMEME_IMPORT_TIMEOUT: %s must be between 1s and 1h", c.ImportTimeout))
	}
	return errs
}
