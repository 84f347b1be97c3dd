package kmeme

import "time"

// Consent purposes a user can grant or withdraw.
const (
	// ConsentAIProcessing lets the user's video and text go to the paid AI
	// providers (Gemini, Claude). Without it the local engine does the job.
	ConsentAIProcessing = "ai_processing"
	// ConsentMarketing allows product news by e-mail.
	ConsentMarketing = "marketing"
)

// ConsentPurposes lists every purpose, in display order.
var ConsentPurposes = []string{ConsentAIProcessing, ConsentMarketing}

// ValidConsentPurpose reports whether p is a known purpose.
func ValidConsentPurpose(p string) bool {
	for _, q := range ConsentPurposes {
		if p == q {
			return true
		}
	}
	return false
}

// Consent is one recorded decision; a purpose with no record is not granted.
type Consent struct {
	Purpose   string     `json:"purpose"`
	Granted   bool       `json:"granted"`
	DecidedAt *time.Time `json:"decided_at"`
}
