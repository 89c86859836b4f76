package meili

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"samenspel/internal/profiles"
)

// The contract tests check the exact requests the index sends to Meilisearch and
// how it reads the answers, recorded after Meilisearch's API reference
// (testdata/*.json, each with the page it follows). Refresh the golden request
// bodies with go test ./internal/meili -update after a deliberate change.

const publicFieldsJSON = `["id","name","kind","size","new_provider","can_lead","areas","levels","themes","description"]`

// canary is written in the contact and private fields of a test profile: no request
// may ever carry it.
const canary = "CANARY-7f3a9c"

func specProfile() profiles.Profile {
	return profiles.Profile{
		ID: "buurtkamer-overvecht", Name: "Buurtkamer Overvecht", Kind: "residents_group", Size: "small",
		NewProvider: true, Areas: []string{"WK034412"},
		Instruments: map[string]float64{"meeting_place": 1.0, "meals": 0.5},
		Themes:      []string{"loneliness"}, Description: "Free text, Dutch or English",
		Contact: &profiles.Contact{Email: canary + "@example.org", Phone: canary, Person: canary},
		Private: map[string]string{"ideas": "never shown to others " + canary, canary: "key too"},
	}
}

func wijkteam() profiles.Profile {
	return profiles.Profile{
		ID: "wijkteam-noord", Name: "Wijkteam Noord", Kind: "welfare", Size: "medium", CanLead: true,
		Areas: []string{"GM0344", "BU03630001"}, Instruments: map[string]float64{"home_visits": 1},
		Themes: []string{"loneliness", "health"},
	}
}

func TestEnsureIndexCreatesTheIndexThenAppliesSettings(t *testing.T) {
	f := newFake(t,
		exchange{method: "GET", path: "/indexes/profiles", reply: "index_not_found.json"},
		exchange{method: "POST", path: "/indexes", body: `{"uid":"profiles","primaryKey":"id"}`, reply: "task_enqueued_index_creation.json"},
		exchange{method: "GET", path: "/tasks/0", reply: "task_0_succeeded.json"},
		exchange{method: "PATCH", path: "/indexes/profiles/settings", golden: "settings_request.golden.json", reply: "task_enqueued_settings.json"},
		exchange{method: "GET", path: "/tasks/1", reply: "task_1_processing.json"},
		exchange{method: "GET", path: "/tasks/1", reply: "task_1_succeeded.json"},
	)
	if err := f.index().EnsureIndex(context.Background()); err != nil {
		t.Fatalf("EnsureIndex = %v, want nil", err)
	}
}

func TestEnsureIndexOnAnExistingIndexOnlyAppliesSettings(t *testing.T) {
	f := newFake(t,
		exchange{method: "GET", path: "/indexes/profiles", reply: "index.json"},
		exchange{method: "PATCH", path: "/indexes/profiles/settings", golden: "settings_request.golden.json", reply: "task_enqueued_settings.json"},
		exchange{method: "GET", path: "/tasks/1", reply: "task_1_succeeded.json"},
	)
	if err := f.index().EnsureIndex(context.Background()); err != nil {
		t.Fatalf("EnsureIndex = %v, want nil", err)
	}
}

func TestEnsureIndexRefusesAnIndexWithAnotherPrimaryKey(t *testing.T) {
	f := newFake(t, exchange{method: "GET", path: "/indexes/profiles", reply: "index_other_primary_key.json"})
	err := f.index().EnsureIndex(context.Background())
	if err == nil || !strings.Contains(err.Error(), `"profile_id"`) {
		t.Fatalf("EnsureIndex = %v, want an error naming the primary key profile_id", err)
	}
}

func TestSettings(t *testing.T) {
	s := settings(testTaxonomy(t))
	if diff := cmp.Diff([]string{"name", "labels", "description"}, s.SearchableAttributes); diff != "" {
		t.Errorf("searchable attributes (-want +got):\n%s", diff)
	}
	for _, attr := range []string{"kind", "size", "areas", "area_parents", "instruments", "themes", "new_provider", "can_lead", "id", "stale"} {
		if !strings.Contains(strings.Join(s.FilterableAttributes, " ")+" ", attr+" ") {
			t.Errorf("filterable attributes %v lack %s", s.FilterableAttributes, attr)
		}
	}
	syn := s.Synonyms
	for word, want := range map[string][]string{
		"schuldhulpverlening": {"debt_counseling", "debt counselling"},
		"debt counselling":    {"debt_counseling", "schuldhulpverlening"},
		"eenzaamheid":         {"loneliness"},
		"loneliness":          {"eenzaamheid"},
		"meals":               {"maaltijden"},
	} {
		if diff := cmp.Diff(want, syn[word]); diff != "" {
			t.Errorf("synonyms[%q] (-want +got):\n%s", word, diff)
		}
	}
	if s.Pagination.MaxTotalHits < 100000 {
		t.Errorf("maxTotalHits = %d, want at least 100000", s.Pagination.MaxTotalHits)
	}
}

func TestPutSendsPublicFieldsAndWaitsForTheTask(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id",
			golden: "put_request.golden.json", reply: "task_enqueued_documents.json"},
		exchange{method: "GET", path: "/tasks/2", reply: "task_2_succeeded.json"},
	)
	if err := f.index().Put(context.Background(), []profiles.Profile{specProfile(), wijkteam()}); err != nil {
		t.Fatalf("Put = %v, want nil", err)
	}
}

// TestPutNeverSendsContactOrPrivate is the privacy test: a profile with a canary in
// every contact and private field is written, read back and searched for, and no
// request, URL or body included, carries the canary.
func TestPutNeverSendsContactOrPrivate(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id", reply: "task_enqueued_documents.json"},
		exchange{method: "GET", path: "/tasks/2", reply: "task_2_succeeded.json"},
		exchange{method: "GET", path: "/indexes/profiles/documents/buurtkamer-overvecht", query: "fields=" + strings.Join(publicFields, ","), reply: "document.json"},
	)
	m := f.index()
	ctx := context.Background()
	if err := m.Put(ctx, []profiles.Profile{specProfile()}); err != nil {
		t.Fatalf("Put = %v", err)
	}
	got, err := m.Get(ctx, "buurtkamer-overvecht")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	if got.Contact != nil || got.Private != nil {
		t.Errorf("Get = %+v, want no contact and no private", got)
	}
	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for _, r := range reqs {
		if strings.Contains(r, canary) {
			t.Errorf("a request carries the canary from contact or private: %s", r)
		}
	}
	if !strings.Contains(reqs[0], "Buurtkamer Overvecht") {
		t.Errorf("the document request lacks the profile's name, so the check above proves nothing: %s", reqs[0])
	}
}

func TestPutRejectsInvalidIDsBeforeSending(t *testing.T) {
	f := newFake(t)
	p := specProfile()
	p.ID = "Buurtkamer Overvecht"
	err := f.index().Put(context.Background(), []profiles.Profile{wijkteam(), p})
	var ve *profiles.ValidationError
	if !errors.As(err, &ve) || ve.Errors[0].Field != "[1].id" {
		t.Fatalf("Put(invalid id) = %v, want a validation error on [1].id", err)
	}
}

func TestPutFailedTaskCarriesMeilisearchsError(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id", reply: "task_enqueued_documents.json"},
		exchange{method: "GET", path: "/tasks/2", reply: "task_2_failed.json"},
	)
	err := f.index().Put(context.Background(), []profiles.Profile{specProfile()})
	var me *Error
	if !errors.As(err, &me) {
		t.Fatalf("Put = %v, want an *Error", err)
	}
	if me.TaskUID != 2 || me.Code != "invalid_document_id" || me.Type != "invalid_request" ||
		!strings.Contains(me.Message, "Document identifier") || me.Link == "" {
		t.Errorf("Put error = %+v, want task 2 failed with invalid_document_id and its message", me)
	}
	if !strings.Contains(err.Error(), "invalid_document_id") {
		t.Errorf("Put error text %q lacks the code", err)
	}
}

func TestTransientFailuresAreTriedAgain(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id", golden: "put_request_one.golden.json", reply: "internal.json"},
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id", golden: "put_request_one.golden.json", hangup: true},
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id", golden: "put_request_one.golden.json", reply: "too_many_requests.json"},
		exchange{method: "POST", path: "/indexes/profiles/documents", query: "primaryKey=id", golden: "put_request_one.golden.json", reply: "task_enqueued_documents.json"},
		exchange{method: "GET", path: "/tasks/2", reply: "internal.json"},
		exchange{method: "GET", path: "/tasks/2", reply: "task_2_succeeded.json"},
	)
	m := f.index(WithRetries(3, time.Millisecond, 2*time.Millisecond))
	if err := m.Put(context.Background(), []profiles.Profile{specProfile()}); err != nil {
		t.Fatalf("Put after a 500, a dropped connection and a 429 = %v, want nil", err)
	}
}

func TestRetriesStopAtTheLimit(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/search", reply: "internal.json"},
		exchange{method: "POST", path: "/indexes/profiles/search", reply: "internal.json"},
		exchange{method: "POST", path: "/indexes/profiles/search", reply: "internal.json"},
	)
	m := f.index(WithRetries(2, time.Millisecond, time.Millisecond))
	_, _, err := m.SearchProfiles(context.Background(), profiles.Query{})
	var me *Error
	if !errors.As(err, &me) || me.Status != 500 || me.Code != "internal" {
		t.Fatalf("SearchProfiles after 3 × 500 = %v, want the 500's *Error", err)
	}
}

func TestValidationErrorsAreNotTriedAgain(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/search", reply: "invalid_search_filter.json"},
	)
	_, _, err := f.index().SearchProfiles(context.Background(), profiles.Query{Kind: "welfare"})
	var me *Error
	if !errors.As(err, &me) || me.Status != 400 || me.Code != "invalid_search_filter" || !strings.Contains(me.Message, "not filterable") {
		t.Fatalf("SearchProfiles = %v, want one try and the 400 invalid_search_filter *Error", err)
	}
}

func TestWriteWaitsNoLongerThanTheTaskTimeout(t *testing.T) {
	// The index exists; the settings task stays processing.
	f := newFake(t,
		exchange{method: "GET", path: "/indexes/profiles", reply: "index.json"},
		exchange{method: "PATCH", path: "/indexes/profiles/settings", reply: "task_enqueued_settings.json"},
		exchange{method: "GET", path: "/tasks/1", reply: "task_1_processing.json", repeat: true},
	)
	start := time.Now()
	err := f.index(WithTaskTimeout(50 * time.Millisecond)).EnsureIndex(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "task 1") {
		t.Fatalf("EnsureIndex with a task that never finishes = %v, want a deadline error naming task 1", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("EnsureIndex took %v, want about the 50ms task timeout", d)
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name     string
		reply    string
		notFound bool
	}{
		{"both deleted", "task_3_succeeded_deleted_2.json", false},
		{"one had no profile", "task_3_succeeded_deleted_1.json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t,
				exchange{method: "POST", path: "/indexes/profiles/documents/delete-batch",
					body: `["buurtkamer-overvecht","wijkteam-noord"]`, reply: "task_enqueued_deletion.json"},
				exchange{method: "GET", path: "/tasks/3", reply: tt.reply},
			)
			err := f.index().Delete(context.Background(), []string{"wijkteam-noord", "buurtkamer-overvecht", "wijkteam-noord"})
			if got := errors.Is(err, profiles.ErrNotFound); got != tt.notFound || (err != nil && !tt.notFound) {
				t.Fatalf("Delete = %v, want ErrNotFound %v", err, tt.notFound)
			}
		})
	}
}

func TestDeleteRejectsInvalidIDs(t *testing.T) {
	f := newFake(t)
	err := f.index().Delete(context.Background(), []string{"ok", `x" OR id EXISTS`})
	var ve *profiles.ValidationError
	if !errors.As(err, &ve) || ve.Errors[0].Field != "ids[1]" {
		t.Fatalf("Delete(invalid id) = %v, want a validation error on ids[1]", err)
	}
}

func TestGet(t *testing.T) {
	f := newFake(t,
		exchange{method: "GET", path: "/indexes/profiles/documents/buurtkamer-overvecht", query: "fields=" + strings.Join(publicFields, ","), reply: "document.json"},
		exchange{method: "GET", path: "/indexes/profiles/documents/nobody", query: "fields=" + strings.Join(publicFields, ","), reply: "document_not_found.json"},
	)
	m := f.index()
	got, err := m.Get(context.Background(), "buurtkamer-overvecht")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	if diff := cmp.Diff(specProfile().Public(), got); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	if _, err := m.Get(context.Background(), "nobody"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("Get(nobody) = %v, want profiles.ErrNotFound", err)
	}
	if _, err := m.Get(context.Background(), "../keys"); !errors.Is(err, profiles.ErrNotFound) {
		t.Errorf("Get(../keys) = %v, want profiles.ErrNotFound without a request", err)
	}
}

// TestCandidatesFetchesEveryMatchByFilter: the filter holds SPEC §3 and leaves out
// stale profiles (documents without the attribute are current).
func TestCandidatesFetchesEveryMatchByFilter(t *testing.T) {
	const filter = `(areas IN [\"WK034412\", \"GM0344\", \"NL\"] OR area_parents IN [\"WK034412\"]) AND ` +
		`instruments IN [\"home_visits\", \"meeting_place\"] AND NOT id IN [\"woonstad\"] AND NOT stale = true`
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/documents/fetch",
			body:  `{"limit":1000,"fields":` + publicFieldsJSON + `,"filter":"` + filter + `"}`,
			reply: "documents_fetch_page1.json"},
		exchange{method: "POST", path: "/indexes/profiles/documents/fetch",
			body:  `{"offset":2,"limit":1000,"fields":` + publicFieldsJSON + `,"filter":"` + filter + `"}`,
			reply: "documents_fetch_page2.json"},
	)
	tender := profiles.Tender{ID: "eenzaamheid-overvecht-2027", Area: []string{"WK034412"},
		Needs:   []profiles.Need{{Instrument: "home_visits", Weight: 3, Must: true}, {Instrument: "meeting_place", Weight: 2}},
		Exclude: []string{"woonstad"}}
	got, err := f.index().Candidates(context.Background(), tender)
	if err != nil {
		t.Fatalf("Candidates = %v", err)
	}
	var ids []string
	for _, p := range got {
		ids = append(ids, p.ID)
	}
	if diff := cmp.Diff([]string{"buurtkamer-overvecht", "eetcafe-de-hoek", "wijkteam-noord"}, ids); diff != "" {
		t.Errorf("Candidates ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(specProfile().Public(), got[0]); diff != "" {
		t.Errorf("Candidates[0] (-want +got):\n%s", diff)
	}
}

func TestCandidatesRejectsInvalidTenderValuesWithoutARequest(t *testing.T) {
	f := newFake(t)
	tender := profiles.Tender{ID: "t", Area: []string{"GM0344", `NL" OR id EXISTS`},
		Needs: []profiles.Need{{Instrument: "cooking"}}, Exclude: []string{"Woonstad"}}
	_, err := f.index().Candidates(context.Background(), tender)
	var ve *profiles.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Candidates = %v, want a *profiles.ValidationError", err)
	}
	var fields []string
	for _, fe := range ve.Errors {
		fields = append(fields, fe.Field)
	}
	if diff := cmp.Diff([]string{"area[1]", "needs[0]", "exclude[0]"}, fields); diff != "" {
		t.Errorf("error fields (-want +got):\n%s", diff)
	}
}

func TestCandidatesOfATenderWithoutAreaOrNeedsIsEmpty(t *testing.T) {
	f := newFake(t)
	got, err := f.index().Candidates(context.Background(), profiles.Tender{ID: "t", Area: []string{"NL"}})
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("Candidates(no needs) = %v, %v; want an empty list and no request", got, err)
	}
}

func TestSearchProfilesWithTextAndFilters(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/search", body: `{
			"q": "schuldhulp",
			"filter": "kind = \"welfare\" AND size = \"small\" AND instruments = \"debt_counseling\" AND themes = \"poverty\" AND (areas IN [\"BU03441205\", \"WK034412\", \"GM0344\", \"NL\"] OR area_parents IN [\"BU03441205\"])",
			"sort": ["id:asc"], "matchingStrategy": "all", "attributesToRetrieve": ` + publicFieldsJSON + `,
			"hitsPerPage": 20, "page": 1, "hybrid": null}`,
			reply: "search_page.json"},
	)
	hits, total, err := f.index().SearchProfiles(context.Background(), profiles.Query{
		Text: ` "schuldhulp* `, Kind: "welfare", Size: "small", Instrument: "debt_counseling",
		Theme: "poverty", Area: "BU03441205"})
	if err != nil {
		t.Fatalf("SearchProfiles = %v", err)
	}
	want := []profiles.Profile{{ID: "schuldhulp-utrecht", Name: "Schuldhulpmaatje Utrecht", Kind: "welfare", Size: "small",
		CanLead: true, Areas: []string{"GM0344"}, Instruments: map[string]float64{"debt_counseling": 1, "budget_coaching": 0.5},
		Themes: []string{"poverty"}, Description: "Vrijwilligers helpen bij schulden"}}
	if diff := cmp.Diff(want, hits); diff != "" || total != 1 {
		t.Errorf("SearchProfiles = total %d, hits (-want +got):\n%s; want total 1", total, diff)
	}
}

// TestSearchProfilesEveryWordIsAPrefix: Meilisearch matches only a query's last word
// as a prefix, so each word is searched alone, and the ids matching all of them are
// ranked by the last word.
func TestSearchProfilesEveryWordIsAPrefix(t *testing.T) {
	word := func(q, reply string) exchange {
		return exchange{method: "POST", path: "/indexes/profiles/search", body: `{"q": "` + q + `",
			"filter": "kind = \"welfare\"", "matchingStrategy": "all", "attributesToRetrieve": ["id"],
			"limit": 100000, "hybrid": null}`, reply: reply}
	}
	f := newFake(t,
		word("schuld", "search_word_schuld.json"),
		word("noo", "search_word_noo.json"),
		exchange{method: "POST", path: "/indexes/profiles/search", body: `{"q": "noo",
			"filter": "kind = \"welfare\" AND id IN [\"schuldhulp-noord\", \"schuldhulp-utrecht\"]",
			"sort": ["id:asc"], "matchingStrategy": "all", "attributesToRetrieve": ` + publicFieldsJSON + `,
			"hitsPerPage": 20, "page": 1, "hybrid": null}`,
			reply: "search_page.json"},
	)
	_, total, err := f.index().SearchProfiles(context.Background(), profiles.Query{Text: "schuld noo", Kind: "welfare"})
	if err != nil || total != 1 {
		t.Fatalf("SearchProfiles(schuld noo) = total %d, %v", total, err)
	}
}

func TestSearchProfilesWithoutCommonMatchesSendsNoRankedSearch(t *testing.T) {
	word := func(q, reply string) exchange {
		return exchange{method: "POST", path: "/indexes/profiles/search", body: `{"q": "` + q + `",
			"matchingStrategy": "all", "attributesToRetrieve": ["id"], "limit": 100000, "hybrid": null}`, reply: reply}
	}
	f := newFake(t, word("geldzorgen", "search_word_geldzorgen.json"), word("noo", "search_word_noo.json"))
	hits, total, err := f.index().SearchProfiles(context.Background(), profiles.Query{Text: "geldzorgen noo"})
	if err != nil || total != 0 || hits == nil || len(hits) != 0 {
		t.Fatalf("SearchProfiles(geldzorgen noo) = %v, %d, %v; want no hits", hits, total, err)
	}
}

func TestSearchProfilesPageInsideALargerPage(t *testing.T) {
	// Offset 1, limit 2: the smallest page holding [1, 3) is page 1 of 3.
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/search", body: `{"q": "", "sort": ["id:asc"],
			"matchingStrategy": "all", "attributesToRetrieve": ` + publicFieldsJSON + `, "hitsPerPage": 3, "page": 1, "hybrid": null}`,
			reply: "search_page_of_three.json"},
	)
	hits, total, err := f.index().SearchProfiles(context.Background(), profiles.Query{Limit: 2, Offset: 1})
	if err != nil {
		t.Fatalf("SearchProfiles = %v", err)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	if diff := cmp.Diff([]string{"b", "c"}, ids); diff != "" || total != 5 {
		t.Errorf("SearchProfiles(limit 2, offset 1) = total %d, ids (-want +got):\n%s; want total 5", total, diff)
	}
}

func TestSearchProfilesCountsSeparatelyWhenNoSmallPageFits(t *testing.T) {
	// With 5 or more a page, some page of at most 4 × limit always fits; with 2
	// not always.
	offset := -1
	for o := 0; o < 10000; o++ {
		if _, _, ok := pageFor(o, 2); !ok {
			offset = o
			break
		}
	}
	if offset < 0 {
		t.Fatal("pageFor finds a page for every offset below 10000; the fallback is never used")
	}
	f := newFake(t,
		exchange{method: "POST", path: "/indexes/profiles/search", body: `{"q": "", "sort": ["id:asc"],
			"matchingStrategy": "all", "attributesToRetrieve": ` + publicFieldsJSON + `,
			"offset": ` + itoa(offset) + `, "limit": 2, "hybrid": null}`,
			reply: "search_offset_limit.json"},
		exchange{method: "POST", path: "/indexes/profiles/search", body: `{"q": "", "matchingStrategy": "all",
			"attributesToRetrieve": ["id"], "hitsPerPage": 1, "page": 1, "hybrid": null}`,
			reply: "search_count.json"},
	)
	hits, total, err := f.index().SearchProfiles(context.Background(), profiles.Query{Limit: 2, Offset: offset})
	if err != nil {
		t.Fatalf("SearchProfiles = %v", err)
	}
	if len(hits) != 1 || total != 1234 {
		t.Errorf("SearchProfiles = %d hits, total %d; want 1 hit and the exhaustive total 1234, not the estimate", len(hits), total)
	}
}

func TestPageFor(t *testing.T) {
	for limit := 1; limit <= 30; limit++ {
		for offset := 0; offset <= 500; offset++ {
			size, page, ok := pageFor(offset, limit)
			if !ok {
				continue
			}
			first := (page - 1) * size
			if size < int64(limit) || int64(offset) < first || int64(offset+limit) > first+size {
				t.Fatalf("pageFor(%d, %d) = size %d, page %d: [%d, %d) is not inside the page", offset, limit, size, page, offset, offset+limit)
			}
		}
	}
}

// TestSearchProfilesUnknownCodesMatchNothing: as in the embedded store, a filter value
// is compared, never interpreted; one that is no valid code or area can match no
// profile, and no filter is built from it.
func TestSearchProfilesUnknownCodesMatchNothing(t *testing.T) {
	f := newFake(t)
	for _, q := range []profiles.Query{
		{Kind: "gemeente"}, {Area: "0344"}, {Theme: `poverty" OR themes = "youth`}, {Size: "Small"},
		{Instrument: "welfare' OR 1=1 --", Text: "schuldhulp"},
	} {
		hits, total, err := f.index().SearchProfiles(context.Background(), q)
		if err != nil || total != 0 || hits == nil || len(hits) != 0 {
			t.Errorf("SearchProfiles(%+v) = %v, %d, %v; want no hits, no error", q, hits, total, err)
		}
	}
	if reqs := f.requests(); len(reqs) != 0 {
		t.Errorf("requests sent for invalid values: %v", reqs)
	}
}

func TestSearchWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"schuldhulp", []string{"schuldhulp"}},
		{"  eet  café\t", []string{"eet", "café"}},
		{`"de hoek"`, []string{"de", "hoek"}},
		{"-armoede maaltijden", []string{"armoede", "maaltijden"}},
		{"schuld* ^noord", []string{"schuld", "noord"}},
		{"a-b description:voetbal", []string{"a-b", "description:voetbal"}},
		{`sch"uld`, []string{"schuld"}},
		{"-- ... !! ()", nil},
		{"x\x00y", []string{"x", "y"}},
		{strings.Repeat("w ", 40), strings.Fields(strings.Repeat("w ", 32))},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, searchWords(tt.in)); diff != "" {
			t.Errorf("searchWords(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
