package store_test

import (
	"testing"

	"samenspel/internal/store/storetest"
)

// TestAwards: the embedded store passes the shared suite of the awards.
func TestAwards(t *testing.T) {
	storetest.Awards(t, func(t *testing.T) storetest.AwardStore { return newStore(t) })
}
