# The README's two commands need no make; these are the everyday shortcuts.
.PHONY: test lint bench examples fuzz

test:
	go test -race -count=1 ./...

lint:
	gofmt -l $$(git ls-files '*.go') | (! grep .)
	go vet ./...

bench:
	go test ./internal/match -run '^$$' -bench . -benchmem

examples:
	go run ./internal/synth/examplegen -out config/examples

fuzz:
	for f in FuzzDecodeProfile FuzzDecodeTender FuzzReadCollaborations FuzzReadProfilesCSV; do \
		go test ./internal/profiles -run '^$$' -fuzz "^$$f$$" -fuzztime 30s || exit 1; \
	done
