package postgres_test

import (
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
)

// kmeme.CheckID (what the API checks before a cache lookup) accepts and
// refuses exactly what postgres.ParseID does, with the same message.
func TestCheckIDAgreesWithParseID(t *testing.T) {
	for _, s := range []string{
		"0190a5e4-7b3c-7d2e-9f10-123456789abc", "0190A5E4-7B3C-7D2E-9F10-123456789ABC",
		"", "x", "0190a5e47b3c7d2e9f10123456789abc", "{0190a5e4-7b3c-7d2e-9f10-123456789abc}",
		"urn:uuid:0190a5e4-7b3c-7d2e-9f10-123456789abc", "0190a5e4-7b3c-7d2e-9f10-123456789abg",
		"0190a5e4+7b3c-7d2e-9f10-123456789abc", "0190a5e4-7b3c-7d2e-9f10-123456789ab", strings.Repeat("z", 100),
		"0190a5e4-7b3c-7d2e-9f10-123456789ab\x00", "é190a5e4-7b3c-7d2e-9f10-123456789ab",
	} {
		_, perr := postgres.ParseID("id", s)
		cerr := kmeme.CheckID("id", s)
		if (perr == nil) != (cerr == nil) {
			t.Errorf("%q: ParseID %v, CheckID %v", s, perr, cerr)
			continue
		}
		if perr != nil && (kmeme.ErrorCode(cerr) != kmeme.ErrorCode(perr) || cerr.Error() != perr.Error()) {
			t.Errorf("%q: ParseID %q (%s), CheckID %q (%s)", s, perr, kmeme.ErrorCode(perr), cerr, kmeme.ErrorCode(cerr))
		}
	}
}
