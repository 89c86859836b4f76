// Package meili is the Meilisearch implementation of the profile index (store.Index):
// the candidates of a tender (SPEC §3) and the public profile search of
// GET /v1/profiles, answered from a Meilisearch index instead of the embedded
// store's index tables, for deployments that run Meilisearch beside the service
// (SPEC §8, `--meili URL`).
//
// It owns one Meilisearch index of profiles (by default "profiles"): the shape of its
// documents, which hold the public fields of a profile and the fields derived from
// them for search and filters (area_parents, instrument codes, the Dutch and English
// labels of the instruments and themes); the index settings, applied idempotently by
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
//   - Use the master key at runtime. The service runs with a key scoped to the
//     profiles index and to the actions it needs (see CreateRuntimeKey for the
//     request, and the curl below); only the one-time setup uses the master key.
//   - Log. Errors are returned, with Meilisearch's error code and message; the
//     caller decides what to log.
//
// # The runtime key
//
// Create it once with the master key (CreateRuntimeKey sends the same request), then
// give the service SAMENSPEL_MEILI_KEY=<key>:
//
//	curl -X POST "$MEILI_URL/keys" \
//	  -H "Authorization: Bearer $MEILI_MASTER_KEY" \
//	  -H 'Content-Type: application/json' \
//	  --data-binary '{
//	    "name": "samenspel runtime",
//	    "description": "Samenspel: search and write the profiles index, nothing else",
//	    "actions": ["search", "documents.*", "indexes.get", "settings.*", "tasks.get"],
//	    "indexes": ["profiles"],
//	    "expiresAt": null
//	  }'
//
// The key answers 403 for any other index, for keys, dumps and every other
// instance-wide action, and it cannot create or delete an index: create the profiles
// index at setup too, with EnsureIndex on an Index built with the master key (or add
// "indexes.create" to the actions to let the service create it on first start).
// (https://www.meilisearch.com/docs/reference/api/keys/create-api-key)
//
// # Tests
//
// The contract tests run an httptest.Server that checks the exact requests this
// package sends and answers with responses recorded from Meilisearch's API
// reference (testdata/*.json). The shared suite of internal/store/storetest runs
// against a live Meilisearch when MEILI_URL is set:
//
//	docker compose up meilisearch
//	MEILI_URL=http://localhost:7700 MEILI_MASTER_KEY=... go test ./internal/meili
package meili
