package store_test

import (
	"testing"

	"samenspel/internal/store/storetest"
)

// TestCollaborations: the embedded store passes the shared suite of the
// collaboration events.
func TestCollaborations(t *testing.T) {
	storetest.Collaborations(t, func(t *testing.T) storetest.CollaborationStore { return newStore(t) })
}
