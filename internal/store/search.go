package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"samenspel/internal/profiles"
)

// maxWords is how many words of a search text count; more are ignored.
const maxWords = 32

// SearchProfiles returns a page of the profiles matching q, public fields only
// (profiles.Profile.Public), and the number of matches in all. Matches come by
// relevance when q has text (name first, then labels, then description), else by
// id; ties by id.
func (s *Store) SearchProfiles(ctx context.Context, q profiles.Query) (hits []profiles.Profile, total int, err error) {
	from := "profiles p"
	order := "p.id"
	var where []string
	var args []any
	if match := matchQuery(q.Text); match != "" {
		from = "profile_fts JOIN profiles p ON p.pk = profile_fts.rowid"
		where = append(where, "profile_fts MATCH ?")
		args = append(args, match)
		order = "bm25(profile_fts, 10.0, 1.0, 4.0), p.id" // weights of name, description, labels
	}
	if q.Kind != "" {
		where = append(where, "p.kind = ?")
		args = append(args, q.Kind)
	}
	if q.Size != "" {
		where = append(where, "p.size = ?")
		args = append(args, q.Size)
	}
	if q.Instrument != "" {
		where = append(where, "p.pk IN (SELECT profile FROM profile_instruments WHERE instrument = ?)")
		args = append(args, q.Instrument)
	}
	if q.Theme != "" {
		where = append(where, "p.pk IN (SELECT profile FROM profile_themes WHERE theme = ?)")
		args = append(args, q.Theme)
	}
	if q.Area != "" {
		where = append(where, `p.pk IN (
			SELECT profile FROM profile_area_parents WHERE area = ?
			UNION
			SELECT profile FROM profile_area_parents WHERE own = 1 AND area IN (SELECT value FROM json_each(?)))`)
		args = append(args, q.Area, jsonList(profiles.AreaParents(q.Area)))
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

	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+from+filter, args...).Scan(&total); err != nil {
			return err
		}
		if offset >= total {
			hits = []profiles.Profile{}
			return nil
		}
		var err error
		hits, err = queryProfiles(ctx, tx,
			"SELECT p.doc FROM "+from+filter+" ORDER BY "+order+" LIMIT ? OFFSET ?",
			append(args, limit, offset)...)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: search profiles: %w", err)
	}
	for i := range hits {
		hits[i] = hits[i].Public()
	}
	return hits, total, nil
}

// matchQuery turns a user's search text into an FTS5 expression in which nothing
// the user typed is syntax: each whitespace-separated word with a letter or digit
// (split at white space and control characters) becomes a quoted phrase (inner quotes doubled) matched as a prefix, and the
// phrases are joined by FTS5's implicit AND. `eet "De` gives `"eet"* """De"*`.
func matchQuery(text string) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.FieldsFunc(text, isSeparator) {
		if !strings.ContainsFunc(w, isWordRune) {
			continue
		}
		if n == maxWords {
			break
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(w, `"`, `""`))
		b.WriteString(`"*`)
		n++
	}
	return b.String()
}

// isSeparator reports whether r separates words: white space, or a control
// character (SQLite would end the expression at a NUL).
func isSeparator(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// isWordRune reports whether r can be part of a token: a letter or a digit.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }
