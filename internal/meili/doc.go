// Package meili is the Meilisearch implementation of the profile index (scaled.Index):
// the candidates of a tender (SPEC §3) and the public profile search of
// GET /v1/profiles, answered from a Meilisearch index instead of the embedded
// store's index tables, for deployments that run Meilisearch beside the service
// (SPEC §8, `--meili URL`).
//
// It owns one Meilisearch index of profiles (by default "profiles"): the shape of its
// documents, which hold the public fields of a profile and the fields derived from
// them for search and filters (area_parents, instrument codes, the Dutch and English
// labels of the instruments and themes), and whether the profile is stale (not
// written or confirmed for 12 months: no candidate, still found by search); the
// index settings, applied idempotently by
// EnsureIndex (filterable, sortable and searchable attributes, ranking rules,
// synonyms from the taxonomy, typo tolerance, pagination); the filter expressions it
// sends; and the writes (Put, Delete), which are Meilisearch tasks that it waits for,
// so that a write is visible to Candidates and SearchProfiles when it returns.
//
// It sits beside internal/store, below the API and the commands, which hold a concrete
// *Index and pass it where a store.Index is needed. The embedded store stays the
// durable source of profiles: this index can be rebuilt from it at any time
// (`indexer reindex`), so it holds nothing that exists only here.
//
// What it must never do:
//
//   - Send a profile's contact or private fields to Meilisearch. Documents are built
//     field by field from the public fields (the document type has no place for the
//     others), and a test records every request body to check that a canary in
//     contact and private never leaves the process.
//   - Build a filter from raw user text. Every value in a filter is a validated code,
//     area or id (profiles.ValidID, the taxonomy, profiles.ValidArea), quoted and
//     escaped; attribute names are constants. Search text goes only into the q
//     parameter, with Meilisearch's phrase and negation operators taken out.
//   - Use the master key at runtime. The matcher and the indexer each run with a key
//     scoped to the profiles index and to the actions that command needs (SearchKey,
//     IndexerKey); the master key only creates those two keys, once, at setup
//     (CreateKey, or the curl commands below).
//   - Log. Errors are returned, with Meilisearch's error code and message; the
//     caller decides what to log.
//
// # The two keys
//
// The matcher only reads: it searches (SearchProfiles, Candidates, Get, and Ping for
// its readiness) and never writes documents, applies settings or follows tasks. Its
// key allows search and documents.get on the profiles index. The indexer writes: it
// applies the settings with EnsureIndex at the start of each command (which needs
// indexes.get, indexes.create when the index is missing, settings.update, and
// tasks.get to wait for the task), keeps the documents in step with the store (Put,
// Delete), and rebuilds the index (`indexer reindex`, below). Its key allows that,
// on the profiles index and its rebuild only. Neither key can touch another index,
// the keys, dumps, snapshots or anything instance-wide; the contract tests check that
// its key allows every request of each command, and that each command uses every
// action its key names.
//
// Create both once with the master key (CreateKey sends the same requests), then give
// the matcher SAMENSPEL_MEILI_KEY=<search key> and the indexer
// SAMENSPEL_MEILI_KEY=<indexer key>; each response's "key" field is the secret.
//
//	curl -X POST "$MEILI_URL/keys" \
//	  -H "Authorization: Bearer $MEILI_MASTER_KEY" \
//	  -H 'Content-Type: application/json' \
//	  --data-binary '{
//	    "name": "samenspel search",
//	    "description": "Samenspel matcher: search and read the profiles index, nothing else",
//	    "actions": ["search", "documents.get"],
//	    "indexes": ["profiles"],
//	    "expiresAt": null
//	  }'
//
//	curl -X POST "$MEILI_URL/keys" \
//	  -H "Authorization: Bearer $MEILI_MASTER_KEY" \
//	  -H 'Content-Type: application/json' \
//	  --data-binary '{
//	    "name": "samenspel indexer",
//	    "description": "Samenspel indexer: fill, configure and rebuild the profiles index, nothing else",
//	    "actions": ["search", "documents.*", "indexes.create", "indexes.get", "indexes.delete",
//	                "indexes.swap", "settings.*", "tasks.get"],
//	    "indexes": ["profiles", "profiles_reindex"],
//	    "expiresAt": null
//	  }'
//
// A key answers 403 invalid_api_key for anything it does not allow. The indexer's
// key names the rebuild too: the swap needs indexes.swap on both indexes, and
// Meilisearch shows a task only to a key that covers all of its indexes. With
// another index name (WithIndexName), use it, and its name + ReindexSuffix, instead
// of "profiles" in both.
// (https://www.meilisearch.com/docs/reference/api/keys/create-api-key)
//
// # Rebuilding the index
//
// `indexer reindex` builds a fresh index beside the live one and swaps it in, so
// searches never see a half-filled index: on an Index named live + ReindexSuffix
// ("profiles_reindex"), DeleteIndex (a rebuild left by a run cut short), EnsureIndex,
// Put every profile; then Swap with the live index, which exchanges documents and
// settings atomically; then DeleteIndex on the rebuild, which now holds the old
// documents. When Swap returns an error, the swap may or may not have happened (see
// Swap): delete nothing and run the rebuild again.
//
// # Tests
//
// The contract tests run an httptest.Server that checks the exact requests this
// package sends and answers with responses recorded from Meilisearch's API
// reference (testdata/*.json). The shared suite of internal/store/storetest, the
// rebuild's steps and, given MEILI_MASTER_KEY, the two keys' reach run against a live
// Meilisearch when MEILI_URL is set:
//
//	docker compose up meilisearch
//	MEILI_URL=http://localhost:7700 MEILI_MASTER_KEY=... go test ./internal/meili
package meili
