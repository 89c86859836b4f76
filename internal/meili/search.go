package meili

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/meilisearch/meilisearch-go"

	"samenspel/internal/profiles"
)

// fetchPage is how many documents one request of Candidates reads.
const fetchPage = 1000

// maxWords is how many words of a search text are sent, as in the embedded store.
// Meilisearch itself reads only the first 10.
const maxWords = 32

// Candidates returns the candidates of t (SPEC §3), by id, as the embedded store's
// Candidates does: the profiles not in t.Exclude with an area that overlaps one of
// t.Area (one contains or equals the other) and at least one of the instruments t
// needs, and not stale. They hold public fields only; the matcher reads no others.
//
// It reads every match through the documents endpoint, which, unlike search, is not
// cut off at maxTotalHits. The codes, areas and ids of t must be valid: a
// *profiles.ValidationError names the first that is not.
func (m *Index) Candidates(ctx context.Context, t profiles.Tender) ([]profiles.Profile, error) {
	needs := make([]string, 0, len(t.Needs))
	for _, n := range t.Needs {
		needs = append(needs, n.Instrument)
	}
	out := []profiles.Profile{}
	if len(t.Area) == 0 || len(needs) == 0 {
		return out, nil
	}
	f := newFilter(m.tax)
	f.Overlap("area", t.Area, true)
	f.In("needs", attrInstruments, vInstrument, needs)
	f.NotIn("exclude", attrID, vID, t.Exclude)
	f.Current()
	if err := f.Err(); err != nil {
		return nil, fmt.Errorf("meili: candidates of tender %q: %w", t.ID, err)
	}
	expr := f.String()
	for offset := int64(0); ; {
		var page meilisearch.DocumentsResult
		err := m.call(ctx, fmt.Sprintf("candidates of tender %q", t.ID), func(ctx context.Context) error {
			page = meilisearch.DocumentsResult{}
			return m.index.GetDocuments(ctx, &meilisearch.DocumentsQuery{
				Offset: offset, Limit: fetchPage, Fields: publicFields, Filter: expr,
			}, &page)
		})
		if err != nil {
			return nil, err
		}
		var docs []document
		if err := page.Results.DecodeInto(&docs); err != nil {
			return nil, fmt.Errorf("meili: candidates of tender %q: %w", t.ID, err)
		}
		for _, d := range docs {
			out = append(out, d.profile())
		}
		offset += int64(len(docs))
		if len(docs) == 0 || offset >= page.Total {
			break
		}
	}
	// The documents endpoint returns documents in the index's internal order.
	slices.SortFunc(out, func(a, b profiles.Profile) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// SearchProfiles returns a page of the profiles matching q, public fields only, and
// the number of matches in all, with the semantics of profiles.Query: every word of the
// text must occur as the start of a word, Kind, Size, Instrument and Theme match
// exactly, and Area overlaps. Matches come by relevance when q has text (name, then
// labels, then description), else by id; ties by id. Stale profiles are found too,
// as in the embedded store; hits do not say which are stale.
//
// A filter value that is not a valid code or area matches nothing, as in the
// embedded store, which compares values and leaves validation to the API: no
// request is sent for it, so no filter is ever built from it.
//
// Meilisearch matches only the last word of a query as a prefix. For a text of
// several words, SearchProfiles first finds, word by word (each alone, so a prefix),
// the ids matching every word, and then ranks those by the last word.
//
// total is exact: the search uses Meilisearch's page/hitsPerPage mode, whose totalHits
// is exhaustive (up to maxTotalHits), choosing a page size that holds
// [Offset, Offset+Limit) in one page, or asking for the count separately when no
// small page does.
func (m *Index) SearchProfiles(ctx context.Context, q profiles.Query) (hits []profiles.Profile, total int, err error) {
	f := newFilter(m.tax)
	if q.Kind != "" {
		f.Eq("kind", attrKind, vKind, q.Kind)
	}
	if q.Size != "" {
		f.Eq("size", attrSize, vSize, q.Size)
	}
	if q.Instrument != "" {
		f.Eq("instrument", attrInstruments, vInstrument, q.Instrument)
	}
	if q.Theme != "" {
		f.Eq("theme", attrThemes, vTheme, q.Theme)
	}
	if q.Area != "" {
		f.Overlap("area", []string{q.Area}, false)
	}
	if f.Err() != nil {
		return []profiles.Profile{}, 0, nil
	}
	words := searchWords(q.Text)
	if len(words) > 1 {
		ids, err := m.matchEveryWord(ctx, words, f.String())
		if err != nil {
			return nil, 0, err
		}
		if len(ids) == 0 {
			return []profiles.Profile{}, 0, nil
		}
		f.In("text", attrID, vID, ids)
		if err := f.Err(); err != nil {
			return nil, 0, fmt.Errorf("meili: search profiles: an id from the index: %w", err)
		}
	}
	// Within the ids that match every word, the last word ranks them: it matches
	// each of them as a prefix, so none drops out. Meilisearch could not rank them
	// by the whole text without dropping those whose earlier words match only as
	// the start of a word.
	text := ""
	if len(words) > 0 {
		text = words[len(words)-1]
	}
	limit := q.Limit
	if limit <= 0 {
		limit = profiles.DefaultLimit
	}
	limit = min(limit, profiles.MaxLimit)
	offset := max(q.Offset, 0)
	var expr any // nil, not "", when there is no filter
	if f.String() != "" {
		expr = f.String()
	}
	if offset >= maxTotalHits {
		// Past what search can reach: no hits, only the count.
		n, err := m.count(ctx, text, expr)
		if err != nil {
			return nil, 0, err
		}
		return []profiles.Profile{}, n, nil
	}
	req := func() *meilisearch.SearchRequest {
		return &meilisearch.SearchRequest{
			Query:                text,
			Filter:               expr,
			Sort:                 []string{attrID + ":asc"},
			MatchingStrategy:     meilisearch.All,
			AttributesToRetrieve: publicFields,
		}
	}
	var res searchResult
	if size, page, ok := pageFor(offset, limit); ok {
		r := req()
		r.HitsPerPage, r.Page = &size, page
		if res, err = m.search(ctx, r); err != nil {
			return nil, 0, err
		}
		skip := int64(offset) - (page-1)*size
		res.Hits = res.Hits[min(skip, int64(len(res.Hits))):]
		res.Hits = res.Hits[:min(int64(limit), int64(len(res.Hits)))]
	} else {
		// No page of at most 4 × limit holds the window: read the window with
		// offset/limit and the exact count with a page of one.
		r := req()
		r.Offset, r.Limit = int64(offset), int64(limit)
		if res, err = m.search(ctx, r); err != nil {
			return nil, 0, err
		}
		n, err := m.count(ctx, text, expr)
		if err != nil {
			return nil, 0, err
		}
		res.TotalHits = int64(n)
	}
	hits = make([]profiles.Profile, len(res.Hits))
	for i, d := range res.Hits {
		hits[i] = d.profile()
	}
	return hits, int(res.TotalHits), nil
}

// pageFor finds the smallest page size of at most 4 × limit (and at least limit)
// with which [offset, offset+limit) lies in one page, and that page (1-based).
func pageFor(offset, limit int) (size, page int64, ok bool) {
	for h := limit; h <= 4*limit; h++ {
		if offset/h == (offset+limit-1)/h {
			return int64(h), int64(offset/h) + 1, true
		}
	}
	return 0, 0, false
}

// searchResult is the part of a search response this package reads.
type searchResult struct {
	Hits      []document `json:"hits"`
	TotalHits int64      `json:"totalHits"`
}

func (m *Index) search(ctx context.Context, r *meilisearch.SearchRequest) (searchResult, error) {
	var res searchResult
	err := m.call(ctx, "search profiles", func(ctx context.Context) error {
		raw, err := m.index.SearchRaw(ctx, r.Query, r)
		if err != nil {
			return err
		}
		res = searchResult{}
		return json.Unmarshal(*raw, &res)
	})
	return res, err
}

// count returns the exact number of matches of a search.
func (m *Index) count(ctx context.Context, text string, filter any) (int, error) {
	one := int64(1)
	res, err := m.search(ctx, &meilisearch.SearchRequest{
		Query: text, Filter: filter, MatchingStrategy: meilisearch.All,
		HitsPerPage: &one, Page: 1, AttributesToRetrieve: []string{attrID},
	})
	return int(res.TotalHits), err
}

// matchEveryWord returns the ids of the profiles that match filter and have every
// word as the start of a word, sorted: one search per word, each word alone so that
// Meilisearch matches it as a prefix, and the intersection of their ids.
func (m *Index) matchEveryWord(ctx context.Context, words []string, filter string) ([]string, error) {
	var expr any
	if filter != "" {
		expr = filter
	}
	var common []string
	for i, w := range words {
		res, err := m.search(ctx, &meilisearch.SearchRequest{
			Query: w, Filter: expr, MatchingStrategy: meilisearch.All,
			Limit: maxTotalHits, AttributesToRetrieve: []string{attrID},
		})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for j, h := range res.Hits {
			ids[j] = h.ID
		}
		slices.Sort(ids)
		if i == 0 {
			common = ids
		} else {
			common = slices.DeleteFunc(common, func(id string) bool {
				_, found := slices.BinarySearch(ids, id)
				return !found
			})
		}
		if len(common) == 0 {
			break
		}
	}
	return common, nil
}

// searchWords turns a user's text into the words of Meilisearch's q, in which nothing
// the user typed is an operator: the text is split at white space and control
// characters, each word loses the characters other than letters and digits at its
// ends (a leading '-' would negate it, a '*' or '^' would end it) and every double
// quote (phrase search), and words left without a letter or digit are dropped. At
// most maxWords words are kept.
func searchWords(text string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(text, isSeparator) {
		w = strings.ReplaceAll(w, `"`, "")
		w = strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) })
		if w == "" {
			continue
		}
		if len(words) == maxWords {
			break
		}
		words = append(words, w)
	}
	return words
}

func isSeparator(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }
