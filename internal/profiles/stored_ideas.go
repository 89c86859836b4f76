package profiles

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// MaxIdeas is how many ideas one partner may keep.
const MaxIdeas = 1000

// ErrTooManyIdeas is an idea beyond MaxIdeas of one partner.
var ErrTooManyIdeas = fmt.Errorf("profiles: a partner keeps at most %d ideas", MaxIdeas)

// Idea is one registered idea and its receipt.
type Idea struct {
	// ID is the receipt's id: IdeaIDPrefix and 32 hex digits of 128 random
	// bits, so that nobody finds a receipt by guessing.
	ID      string
	Profile string
	Text    string
	// SHA256 is the hex SHA-256 of Text's exact UTF-8 bytes.
	SHA256  string
	Created time.Time
}

// IdeaIDPrefix starts every receipt id.
const IdeaIDPrefix = "idea_"

// IdeaIDBytes is how many random bytes a receipt id carries.
const IdeaIDBytes = 16

// ValidIdeaID reports whether id has the form of a receipt id.
func ValidIdeaID(id string) bool {
	digits, ok := strings.CutPrefix(id, IdeaIDPrefix)
	return ok && len(digits) == 2*IdeaIDBytes && isLowerHex(digits)
}

// IdeaDigest is the hex SHA-256 of text's bytes, as a receipt states it.
func IdeaDigest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// isLowerHex reports whether h is lower-case hex digits only.
func isLowerHex(h string) bool {
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
