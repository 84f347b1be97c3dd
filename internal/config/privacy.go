package config

// Privacy holds how long personal content is kept.
type Privacy struct {
	// RetentionDays purges source videos older than this, keeping analyses
	// and recipes (KMEME_RETENTION_DAYS, default 0 = keep).
	RetentionDays int
}

func loadPrivacy(p *parser) Privacy {
	return Privacy{RetentionDays: int(p.int64("KMEME_RETENTION_DAYS", 0))}
}

func (c Privacy) validate() []error {
	if c.RetentionDays < 0 {
		return []error{errorf("KMEME_RETENTION_DAYS: %d must not be negative", c.RetentionDays)}
	}
	return nil
}
