// Package indexsync keeps a search index of profiles (Meilisearch, in the scaled
// set-up) in step with the embedded store, which is the source of truth.
//
// Every profile write in the store records a change in the same transaction (the
// store's change log, one row per profile with a sequence number). A Syncer reads
// the changes past its cursor, applies them to the index (public fields only; the
// index's Put never receives contact or private) and only then moves the cursor,
// with a compare-and-set, all while it holds a lease in the store, so that:
//
//   - no acknowledged change is lost: while the index is down the changes wait in
//     the log, and the next pass applies them;
//   - a change is applied at least once; applying one twice is harmless (upsert and
//     delete by id);
//   - one writer at a time: two syncers (or a sync and a reindex) could otherwise
//     write two versions of one profile in the wrong order, and the index would
//     keep the older one although the cursor is past it; a syncer that dies frees
//     the lease after LeaseTTL;
//   - a reindex, which resets the cursor to the point its fresh index was read from,
//     makes a pass that was somehow under way fail its compare-and-set and start
//     again, instead of stepping over changes the fresh index lacks.
//
// It owns that loop and the reindex (build a new index from the store, then swap it
// in atomically). It never decides what is public (profiles.Profile.Public does),
// never reads a clock except for its poll interval and backoff, and never logs
// profile contents: only ids, counts and errors.
package indexsync
