package postgres_test

import "github.com/kmeme-factory/kmeme/internal/postgres"

// stores is every resource's service over one pool or transaction, so a
// test can read back what another wrote in the same transaction.
type stores struct {
	*postgres.VideoService
	*postgres.RemixService
	*postgres.LineageService
	*postgres.SearchService
	*postgres.PlaceService
	*postgres.PipelineStore
}

func newStores(db postgres.DBTX) stores {
	return stores{postgres.NewVideoService(db, nil, 0), postgres.NewRemixService(db, nil), postgres.NewLineageService(db),
		postgres.NewSearchService(db), postgres.NewPlaceService(db), postgres.NewPipelineStore(db)}
}
