package store_test

import (
	"testing"

	"samenspel/internal/store/storetest"
)

// TestSuggestions: the embedded store passes the shared suite of the stored
// suggestions.
func TestSuggestions(t *testing.T) {
	storetest.Suggestions(t, func(t *testing.T) storetest.SuggestionStore { return newStore(t) })
}
