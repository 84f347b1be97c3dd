package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// S3Options tune the S3 store.
type S3Options struct {
	// Endpoint is an S3-compatible server's URL (KMEME_S3_ENDPOINT); empty
	// means AWS. Path-style addressing is used when it is set.
	Endpoint string
	// SpoolDir holds bodies that are not seekable while they are sent
	// (default the temp dir): S3 signing needs the length up front.
	SpoolDir string
}

// S3 stores blobs in a bucket under a prefix. Region and credentials come
// from the AWS SDK's usual chain (environment, shared config, instance role).
type S3 struct {
	client *s3.Client
	bucket string
	prefix string
	spool  string
}

var _ kmeme.BlobStore = (*S3)(nil)

// NewS3 returns a store for loc (from ParseURL with scheme s3).
func NewS3(ctx context.Context, loc Location, opt S3Options) (*S3, error) {
	if loc.Scheme != "s3" || loc.Bucket == "" {
		return nil, errors.New("blob: NewS3 needs an s3://bucket location")
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opt.Endpoint != "" {
			o.BaseEndpoint = aws.String(opt.Endpoint)
			o.UsePathStyle = true
		}
		if o.Region == "" {
			o.Region = "us-east-1"
		}
	})
	return &S3{client: client, bucket: loc.Bucket, prefix: loc.Prefix, spool: opt.SpoolDir}, nil
}

// ObjectKey is the bucket key a blob key is stored under.
func (s *S3) ObjectKey(key string) string {
	if s.prefix == "" {
		return key
	}
	return path.Join(s.prefix, key)
}

// Put uploads r; a body that cannot seek is spooled to a file first.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, contentType string) (int64, error) {
	if err := CheckKey(key); err != nil {
		return 0, err
	}
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		f, err := os.CreateTemp(s.spool, "kmeme-s3-*")
		if err != nil {
			return 0, fmt.Errorf("put %s: spool: %w", key, err)
		}
		defer os.Remove(f.Name())
		defer f.Close()
		if _, err := io.Copy(f, ctxReader{ctx, r}); err != nil {
			return 0, fmt.Errorf("put %s: spool: %w", key, err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return 0, fmt.Errorf("put %s: spool: %w", key, err)
		}
		rs = f
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	in := &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.ObjectKey(key)), Body: rs,
		ContentLength: aws.Int64(end - start)}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if _, err := s.client.PutObject(ctx, in); err != nil {
		return 0, s3Error(err, "put "+key)
	}
	return end - start, nil
}

// Open streams an object, or ENOTFOUND.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := CheckKey(key); err != nil {
		return nil, 0, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.ObjectKey(key))})
	if err != nil {
		return nil, 0, s3Error(err, "open "+key)
	}
	return out.Body, aws.ToInt64(out.ContentLength), nil
}

// Delete removes an object; a missing one is not an error.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.ObjectKey(key))})
	if err != nil && kmeme.ErrorCode(s3Error(err, "")) != kmeme.ENOTFOUND {
		return s3Error(err, "delete "+key)
	}
	return nil
}

// DeletePrefix removes every object under prefix, a page at a time.
func (s *S3) DeletePrefix(ctx context.Context, prefix string) error {
	if err := checkPrefix(prefix); err != nil {
		return err
	}
	full := s.ObjectKey(prefix)
	if len(prefix) > 0 && prefix[len(prefix)-1] == '/' {
		full += "/"
	}
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(full)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s3Error(err, "list "+prefix)
		}
		if len(page.Contents) == 0 {
			continue
		}
		ids := make([]types.ObjectIdentifier, 0, len(page.Contents))
		for _, o := range page.Contents {
			ids = append(ids, types.ObjectIdentifier{Key: o.Key})
		}
		if _, err := s.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(s.bucket),
			Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
			return s3Error(err, "delete under "+prefix)
		}
	}
	return nil
}

// s3Error maps missing objects to ENOTFOUND and the rest to EUNAVAILABLE.
func s3Error(err error, doing string) error {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var api smithy.APIError
	if errors.As(err, &nsk) || errors.As(err, &nf) || (errors.As(err, &api) && api.ErrorCode() == "NoSuchKey") {
		return &kmeme.Error{Code: kmeme.ENOTFOUND, Message: "no such file", Err: fmt.Errorf("%s: %w", doing, err)}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", doing, err)
	}
	return &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "file storage is unavailable", RetryAfterS: 1, Err: fmt.Errorf("%s: %w", doing, err)}
}
