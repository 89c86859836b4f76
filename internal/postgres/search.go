package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"samenspel/internal/profiles"
)

// maxWords is how many words of a search text count; more are ignored (as in the
// embedded store).
const maxWords = 32

// SearchProfiles returns a page of the profiles matching q, public fields only
// (profiles.Profile.Public), and the number of matches in all. Matches come by
// relevance when q has text (name first, then labels, then description), else by
// id; ties by id. It answers as the embedded store does (profiles.Query).
func (s *Store) SearchProfiles(ctx context.Context, q profiles.Query) (hits []profiles.Profile, total int, err error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	order := "p.id"
	if match := tsQuery(q.Text); match != "" {
		m := arg(match)
		where = append(where, "p.words @@ to_tsquery('simple', "+m+")")
		// ts_rank's weights are of D, C, B, A: nothing, description, labels, name.
		order = "ts_rank('{0, 0.1, 0.4, 1.0}', p.words, to_tsquery('simple', " + m + ")) DESC, p.id"
	}
	if q.Kind != "" {
		where = append(where, "p.kind = "+arg(q.Kind))
	}
	if q.Size != "" {
		where = append(where, "p.size = "+arg(q.Size))
	}
	if q.Instrument != "" {
		where = append(where, "p.pk IN (SELECT profile FROM profile_instruments WHERE instrument = "+arg(q.Instrument)+")")
	}
	if q.Theme != "" {
		where = append(where, "p.pk IN (SELECT profile FROM profile_themes WHERE theme = "+arg(q.Theme)+")")
	}
	if q.Area != "" {
		where = append(where, `p.pk IN (
			SELECT profile FROM profile_area_parents WHERE area = `+arg(q.Area)+`
			UNION
			SELECT profile FROM profile_area_parents WHERE own AND area = ANY(`+arg(profiles.AreaParents(q.Area))+`))`)
	}
	filter := ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = profiles.DefaultLimit
	}
	limit = min(limit, profiles.MaxLimit)
	offset := max(q.Offset, 0)

	// One statement answers both: the page, and the count of every match.
	rows, err := s.pool.Query(ctx, `SELECT p.doc, count(*) OVER () FROM profiles p`+filter+
		" ORDER BY "+order+" LIMIT "+arg(limit)+" OFFSET "+arg(offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: search profiles: %w", err)
	}
	defer rows.Close()
	hits = []profiles.Profile{}
	for rows.Next() {
		var doc []byte
		var n int
		if err := rows.Scan(&doc, &n); err != nil {
			return nil, 0, fmt.Errorf("postgres: search profiles: %w", err)
		}
		p, err := decodeProfile(doc)
		if err != nil {
			return nil, 0, fmt.Errorf("postgres: search profiles: %w", err)
		}
		hits, total = append(hits, p.Public()), n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("postgres: search profiles: %w", err)
	}
	if len(hits) == 0 && offset > 0 {
		// A page past the end counts the matches on its own.
		c, err := s.pool.Query(ctx, `SELECT count(*) FROM profiles p`+filter, args[:len(args)-2]...)
		if err == nil {
			defer c.Close()
			if c.Next() {
				err = c.Scan(&total)
			}
			if err == nil {
				err = c.Err()
			}
		}
		if err != nil {
			return nil, 0, fmt.Errorf("postgres: search profiles: %w", err)
		}
	}
	return hits, total, nil
}

// fold is the words of s as the full-text search keeps them: lower case, accents
// off, every run of letters and digits one word, one space between words.
func fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// an accent, taken off its letter
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// tsQuery turns a user's search text into a tsquery in which nothing the user
// typed is syntax: every whitespace-separated word with a letter or digit is a
// phrase of its folded runs of letters and digits, each a prefix, and the phrases
// must all match. `Eet-café "De` gives `(eet:* <-> cafe:*) & (de:*)`. The folded
// runs hold letters and digits only, so nothing needs quoting. "" when the text
// has no word.
func tsQuery(text string) string {
	var phrases []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		runs := strings.Fields(fold(w))
		if len(runs) == 0 {
			continue
		}
		if len(phrases) == maxWords {
			break
		}
		for i, r := range runs {
			runs[i] = r + ":*"
		}
		phrases = append(phrases, "("+strings.Join(runs, " <-> ")+")")
	}
	return strings.Join(phrases, " & ")
}
