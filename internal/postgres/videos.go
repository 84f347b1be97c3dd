package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/ingest"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
)

// VideoService implements kmeme.VideoService: an upload is checked
// (ingest.Check), stored under its content hash in the blob store, and
// recorded in videos.
type VideoService struct {
	db    DBTX
	blobs kmeme.BlobStore
	// maxBytes bounds what the probe reads (the upload limit, default 200 MiB).
	maxBytes int64
	// Media are the ffprobe an upload is checked with (KMEME_FFPROBE;
	// the zero value runs PATH's).
	Media media.Tools
}

var _ kmeme.VideoService = (*VideoService)(nil)

// NewVideoService returns the service; blobs may be nil for a service that
// only reads rows (Ingest then fails).
func NewVideoService(db DBTX, blobs kmeme.BlobStore, maxBytes int64) *VideoService {
	if maxBytes <= 0 {
		maxBytes = 200 << 20
	}
	return &VideoService{db: db, blobs: blobs, maxBytes: maxBytes}
}

// Ingest checks the spooled upload, stores it under videos/<hash> and
// records the row. Nothing is stored when a check fails.
func (s *VideoService) Ingest(ctx context.Context, u kmeme.Upload) (*kmeme.Video, bool, error) {
	if s.blobs == nil {
		return nil, false, kmeme.Errorf(kmeme.EUNAVAILABLE, "this server has no blob store configured")
	}
	if len(u.Hash) < 2 {
		return nil, false, fmt.Errorf("ingest: the upload has no content hash")
	}
	c, err := ingest.Check(ctx, s.Media, u, s.maxBytes)
	if err != nil {
		return nil, false, err
	}
	info := c.Info
	key := "videos/" + u.Hash[:2] + "/" + u.Hash
	if _, err := u.File.Seek(0, io.SeekStart); err != nil {
		return nil, false, fmt.Errorf("spool upload: %w", err)
	}
	if _, err := s.blobs.Put(ctx, key, u.File, c.ContentType); err != nil {
		return nil, false, err
	}
	info.Path = "" // a server path is nobody's business
	mediaJSON, _ := json.Marshal(info)
	return s.InsertVideo(ctx, &kmeme.Video{
		OwnerID: u.OwnerID, ContentHash: u.Hash, SizeBytes: u.Size, BlobKey: key, Filename: u.Filename, SourceURL: u.SourceURL,
		DurationS: info.DurationS, Width: info.Video.Width, Height: info.Video.Height, FPS: info.Video.FPS,
		Format: info.Format, Media: mediaJSON,
	})
}

const videoColumns = `id, owner_id, content_hash, size_bytes, blob_key, filename, source_url,
	duration_s, width, height, fps, format, media, created_at`

func scanVideo(row pgx.Row) (*kmeme.Video, error) {
	var (
		v     kmeme.Video
		id    uuid.UUID
		owner *uuid.UUID
		media []byte
	)
	if err := row.Scan(&id, &owner, &v.ContentHash, &v.SizeBytes, &v.BlobKey, &v.Filename, &v.SourceURL,
		&v.DurationS, &v.Width, &v.Height, &v.FPS, &v.Format, &media, &v.CreatedAt); err != nil {
		return nil, err
	}
	v.ID, v.OwnerID = id.String(), uuidPtr(owner)
	if len(media) > 0 {
		v.Media = media
	}
	return &v, nil
}

// InsertVideo stores v unless the owner already has the same content; it
// returns the stored row and whether it is new.
func (s *VideoService) InsertVideo(ctx context.Context, v *kmeme.Video) (*kmeme.Video, bool, error) {
	owner, err := optionalID("owner_id", v.OwnerID)
	if err != nil {
		return nil, false, err
	}
	var media any
	if len(v.Media) > 0 {
		media = []byte(v.Media)
	}
	row := s.db.QueryRow(ctx, `INSERT INTO videos (owner_id, content_hash, size_bytes, blob_key, filename, source_url,
			duration_s, width, height, fps, format, media)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (owner_id, content_hash) DO NOTHING
		RETURNING `+videoColumns,
		owner, v.ContentHash, v.SizeBytes, v.BlobKey, truncate(v.Filename, 255), truncate(v.SourceURL, 2048),
		v.DurationS, v.Width, v.Height, v.FPS, v.Format, media)
	out, err := scanVideo(row)
	if err == nil {
		return out, true, nil
	}
	if err != pgx.ErrNoRows {
		return nil, false, translate(err, "insert video")
	}
	out, err = scanVideo(s.db.QueryRow(ctx, `SELECT `+videoColumns+` FROM videos
		WHERE owner_id IS NOT DISTINCT FROM $1 AND content_hash = $2`, owner, v.ContentHash))
	if err != nil {
		return nil, false, translate(err, "find existing video")
	}
	return out, false, nil
}

// GetVideo returns the video or ENOTFOUND.
func (s *VideoService) GetVideo(ctx context.Context, id string) (*kmeme.Video, error) {
	u, err := ParseID("video_id", id)
	if err != nil {
		return nil, err
	}
	v, err := scanVideo(s.db.QueryRow(ctx, `SELECT `+videoColumns+` FROM videos WHERE id = $1`, u))
	if err != nil {
		return nil, translate(err, "get video "+id)
	}
	return v, nil
}

// CountVideos counts the rows of videos (tests and checks).
func (s *VideoService) CountVideos(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM videos`).Scan(&n)
	return n, translate(err, "count videos")
}

func optionalID(field string, s *string) (*uuid.UUID, error) {
	if s == nil {
		return nil, nil
	}
	u, err := ParseID(field, *s)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// viewer is who is reading, as the arguments of the visibility filters
// of list queries (visibleSQL): the caller's id (nil when anonymous) and
// whether they are an admin. Public rows, the viewer's own rows, and
// everything for an admin.
type viewer struct {
	UserID *uuid.UUID
	Admin  bool
}

func viewerOf(c *kmeme.Caller) viewer {
	if c == nil {
		return viewer{}
	}
	v := viewer{Admin: c.IsAdmin()}
	if u, err := uuid.Parse(c.UserID); err == nil {
		v.UserID = &u
	}
	return v
}

// visibleSQL is the visibility condition on alias n; $a is the viewer's
// id and $b whether they are an admin.
func visibleSQL(a, b string) string {
	return `(n.visibility = 'public' OR n.owner_id = ` + a + ` OR ` + b + `)`
}
