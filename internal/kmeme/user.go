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
