# The README's two commands need no make; these are the everyday shortcuts.
.PHONY: test lint bench examples fuzz axe

test:
	go test -race -count=1 ./...

lint:
	gofmt -l $$(git ls-files '*.go') | (! grep .)
	go vet ./...

bench:
	go test ./internal/match -run '^$$' -bench . -benchmem

examples:
	go run ./internal/synth/examplegen -out config/examples

# Each target for FUZZTIME; a new input is minimized for at most 5 s, since the API's
# targets go through the store and a minute of minimizing would stall them.
FUZZTIME ?= 30s
FUZZ = profiles:FuzzDecodeProfile profiles:FuzzDecodeTender profiles:FuzzReadCollaborations \
	profiles:FuzzReadProfilesCSV profiles:FuzzDecodeJSON \
	api:FuzzProfileBody api:FuzzTenderBody api:FuzzMatchBody api:FuzzScoreBody \
	api:FuzzCollaborationBody api:FuzzWebhookBody api:FuzzPatchBody

fuzz:
	for t in $(FUZZ); do \
		go test ./internal/$${t%%:*} -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s || exit 1; \
	done

# axe-core for the browser tests (internal/browsertest), from the npm registry: the
# built axe.min.js and its licences, committed so that no test needs npm.
AXE_VERSION ?= 4.14.1
AXE_DIR = internal/browsertest/axe

axe:
	tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-*.tgz) && \
	cp $$tmp/package/axe.min.js $$tmp/package/LICENSE $$tmp/package/LICENSE-3RD-PARTY.txt $(AXE_DIR)/ && \
	rm -rf $$tmp && head -1 $(AXE_DIR)/axe.min.js
