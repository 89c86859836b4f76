# The README's two commands need no make; these are the everyday shortcuts.
.PHONY: test lint bench examples fuzz assets axe

test:
	go test -race -count=1 ./...

# staticcheck is a tool of the module (go.mod's tool line): no install step, the
# version go.sum pins. go mod tidy must leave go.mod and go.sum as they are. The
# binaries are built with -tags nomsgpack (Dockerfile, README), so that build is vetted too.
lint:
	gofmt -l $$(git ls-files '*.go') | (! grep .)
	go vet ./...
	go vet -tags nomsgpack ./cmd/...
	go tool staticcheck ./...
	go mod tidy -diff

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
	api:FuzzCollaborationBody api:FuzzWebhookBody api:FuzzPatchBody api:FuzzAwardBody api:FuzzIdeaBody

fuzz:
	for t in $(FUZZ); do \
		go test ./internal/$${t%%:*} -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s || exit 1; \
	done

# The NL Design System's built CSS, vendored into the binary (internal/web/assets/nlds),
# each package with its licence and a SOURCE line naming the version and integrity:
# Utrecht's component classes, and the design tokens of a theme, NL Design System's
# openly licensed example theme by default (@utrecht/design-tokens is Utrecht's own
# brand, not under an open licence). Nothing runs npm at build or test time; this
# target refreshes the files, and a municipality with its own tokens sets
# NLDS_TOKENS, NLDS_TOKENS_CSS and NLDS_THEME (the class its theme.css defines).
NLDS_COMPONENTS ?= @utrecht/component-library-css@9.0.4
NLDS_TOKENS ?= @nl-design-system-unstable/voorbeeld-design-tokens@7.4.1
NLDS_TOKENS_CSS ?= dist/theme.css
NLDS_THEME ?= voorbeeld-theme
NLDS_DIR = internal/web/assets/nlds

assets:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	vendor() { \
		(cd "$$tmp" && rm -rf package *.tgz && npm pack --silent --json "$$1" >pack.json && tar xzf *.tgz); \
		mkdir -p "$$3"; cp "$$tmp/package/$$2" "$$3/$$(basename $$2)"; cp "$$tmp"/package/LICEN[CS]E* "$$3/"; \
		node -e 'const p=require(process.argv[1])[0]; console.log(p.id, p.integrity)' "$$tmp/pack.json" >"$$3/SOURCE"; \
	}; \
	rm -rf $(NLDS_DIR); \
	vendor $(NLDS_COMPONENTS) dist/index.css $(NLDS_DIR)/components; \
	vendor $(NLDS_TOKENS) $(NLDS_TOKENS_CSS) $(NLDS_DIR)/tokens; \
	echo $(NLDS_THEME) >$(NLDS_DIR)/THEME

# axe-core for the browser tests (internal/browsertest), from the npm registry: the
# built axe.min.js and its licences, committed so that no test needs npm.
AXE_VERSION ?= 4.14.1
AXE_DIR = internal/browsertest/axe

axe:
	tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-*.tgz) && \
	cp $$tmp/package/axe.min.js $$tmp/package/LICENSE $$tmp/package/LICENSE-3RD-PARTY.txt $(AXE_DIR)/ && \
	rm -rf $$tmp && head -1 $(AXE_DIR)/axe.min.js
