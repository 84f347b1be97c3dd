package kmeme

import "time"

// Role is what a user may do.
type Role string

// Roles.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// User is an account, local (e-mail and password) or linked to Firebase.
type User struct {
	ID          string    `json:"id"`
	Email       string    `json:"email,omitempty"`
	DisplayName string    `json:"display_name,omitempty"`
	Role        Role      `json:"role"`
	Plan        string    `json:"plan"`
	FirebaseUID string    `json:"firebase_uid,omitempty"`
	TimeZone    string    `json:"time_zone"`
	CreatedAt   time.Time `json:"created_at"`
}

// Video is an uploaded or imported source file, stored once per content hash.
type Video struct {
	ID          string    `json:"id"`
	OwnerID     *string   `json:"owner_id"`
	ContentHash string    `json:"content_hash"`
	SizeBytes   int64     `json:"size_bytes"`
	BlobKey     string    `json:"-"`
	Filename    string    `json:"filename,omitempty"`
	SourceURL   string    `json:"source_url,omitempty"`
	DurationS   float64   `json:"duration_s"`
	Width       int       `json:"width,omitempty"`
	Height      int       `json:"height,omitempty"`
	FPS         float64   `json:"fps,omitempty"`
	Format      string    `json:"format,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}
