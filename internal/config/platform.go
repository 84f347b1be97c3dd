package config

// Platform holds the settings of uploads, jobs, lineage and search (issue 5).
type Platform struct {
	// Workers is how many pipeline jobs run at once in this process
	// (KMEME_WORKERS, default 2; 0 disables workers in `kmeme serve`).
	Workers int
}

func loadPlatform(p *parser) Platform {
	return Platform{
		Workers: int(p.int64("KMEME_WORKERS", 2)),
	}
}

func (c Platform) validate() []error {
	var errs []error
	if c.Workers < 0 || c.Workers > 256 {
		errs = append(errs, errorf("KMEME_WORKERS: %d must be between 0 and 256", c.Workers))
	}
	return errs
}
