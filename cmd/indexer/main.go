// Command indexer loads partner profiles into the configured store and keeps the
// search index in step with it. It is not built yet: the Meilisearch store and the
// import, sync, reindex and export commands are a later piece of work.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "indexer: not yet: import, sync, reindex and export come with the profile store")
	os.Exit(1)
}
