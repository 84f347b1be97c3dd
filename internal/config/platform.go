package config

import (
	"strings"
	"time"
)

// Platform holds the settings of uploads, jobs, lineage and search (issue 5).
type Platform struct {
	// Workers is how many pipeline jobs run at once in this process
	// (KMEME_WORKERS, default 2; 0 disables workers in `kmeme serve`).
	Workers int
	// BlobURL picks the blob store (KMEME_BLOB_URL): empty for the local
	// directory DataDir/blobs, file:///abs/dir for another directory, or
	// s3://bucket/prefix for S3-compatible storage (region and credentials
	// come from the AWS SDK's usual chain).
	BlobURL string
	// S3Endpoint is the S3-compatible endpoint for non-AWS storage
	// (KMEME_S3_ENDPOINT, default empty = AWS); path-style addressing is
	// used when it is set.
	S3Endpoint string
	// MaxUploadBytes caps uploads and URL imports (KMEME_MAX_UPLOAD_BYTES,
	// default 200 MiB); larger bodies are answered 413 before being read.
	MaxUploadBytes int64
	// ImportTimeout bounds one URL import, body included (KMEME_IMPORT_TIMEOUT, default 60s).
	ImportTimeout time.Duration
	// JobMaxAttempts is how many times a pipeline stage is tried before the
	// remix is marked failed (KMEME_JOB_MAX_ATTEMPTS, default 3).
	JobMaxAttempts int
	// JobTimeout bounds one pipeline stage (KMEME_JOB_TIMEOUT, default 10m).
	JobTimeout time.Duration
	// JobRescueAfter is how long a running job may go without finishing
	// before another worker takes it over, as after a crash
	// (KMEME_JOB_RESCUE_AFTER, default 15m; must exceed KMEME_JOB_TIMEOUT).
	JobRescueAfter time.Duration
	// DefaultVisibility is a new remix's visibility when the creator does
	// not say (KMEME_DEFAULT_VISIBILITY, private or public; default private).
	DefaultVisibility string
}

func loadPlatform(p *parser) Platform {
	return Platform{
		Workers:           int(p.int64("KMEME_WORKERS", 2)),
		DefaultVisibility: p.str("KMEME_DEFAULT_VISIBILITY", "private"),
		BlobURL:           p.str("KMEME_BLOB_URL", ""),
		S3Endpoint:        p.str("KMEME_S3_ENDPOINT", ""),
		MaxUploadBytes:    p.int64("KMEME_MAX_UPLOAD_BYTES", 200<<20),
		ImportTimeout:     p.dur("KMEME_IMPORT_TIMEOUT", 60*time.Second),
		JobMaxAttempts:    int(p.int64("KMEME_JOB_MAX_ATTEMPTS", 3)),
		JobTimeout:        p.dur("KMEME_JOB_TIMEOUT", 10*time.Minute),
		JobRescueAfter:    p.dur("KMEME_JOB_RESCUE_AFTER", 15*time.Minute),
	}
}

func (c Platform) validate() []error {
	var errs []error
	if c.DefaultVisibility != "private" && c.DefaultVisibility != "public" {
		errs = append(errs, errorf("KMEME_DEFAULT_VISIBILITY: %q must be private or public", c.DefaultVisibility))
	}
	if c.Workers < 0 || c.Workers > 256 {
		errs = append(errs, errorf("KMEME_WORKERS: %d must be between 0 and 256", c.Workers))
	}
	if c.BlobURL != "" && !strings.HasPrefix(c.BlobURL, "file://") && !strings.HasPrefix(c.BlobURL, "s3://") {
		errs = append(errs, errorf("KMEME_BLOB_URL: %q must start with file:// or s3://", c.BlobURL))
	}
	if c.S3Endpoint != "" && !strings.HasPrefix(c.S3Endpoint, "http://") && !strings.HasPrefix(c.S3Endpoint, "https://") {
		errs = append(errs, errorf("KMEME_S3_ENDPOINT: %q must be an http:// or https:// URL", c.S3Endpoint))
	}
	if c.MaxUploadBytes < 1<<10 || c.MaxUploadBytes > 16<<30 {
		errs = append(errs, errorf("KMEME_MAX_UPLOAD_BYTES: %d must be between 1 KiB and 16 GiB", c.MaxUploadBytes))
	}
	if c.ImportTimeout < time.Second || c.ImportTimeout > time.Hour {
		errs = append(errs, errorf("KMEME_IMPORT_TIMEOUT: %s must be between 1s and 1h", c.ImportTimeout))
	}
	if c.JobMaxAttempts < 1 || c.JobMaxAttempts > 25 {
		errs = append(errs, errorf("KMEME_JOB_MAX_ATTEMPTS: %d must be between 1 and 25", c.JobMaxAttempts))
	}
	if c.JobTimeout < time.Second {
		errs = append(errs, errorf("KMEME_JOB_TIMEOUT: %s must be at least 1s", c.JobTimeout))
	}
	if c.JobRescueAfter <= c.JobTimeout {
		errs = append(errs, errorf("KMEME_JOB_RESCUE_AFTER: %s must be longer than KMEME_JOB_TIMEOUT (%s)", c.JobRescueAfter, c.JobTimeout))
	}
	return errs
}
