package store_test

import (
	"testing"

	"samenspel/internal/profiles"
	"samenspel/internal/store/storetest"
)

// TestIdeas: the embedded store passes the shared suite of the partners' ideas.
func TestIdeas(t *testing.T) {
	storetest.Ideas(t, func(t *testing.T) storetest.IdeaStore { return newStore(t) })
}

func TestValidIdeaID(t *testing.T) {
	for id, want := range map[string]bool{
		"idea_0123456789abcdef0123456789abcdef":  true,
		"idea_0123456789abcdef0123456789abcde":   false,
		"idea_0123456789abcdef0123456789abcdef0": false,
		"idea_0123456789ABCDEF0123456789abcdef":  false,
		"tok_0123456789abcdef0123456789abcdef":   false,
		"":                                       false,
	} {
		if got := profiles.ValidIdeaID(id); got != want {
			t.Errorf("ValidIdeaID(%q) = %v, want %v", id, got, want)
		}
	}
}
