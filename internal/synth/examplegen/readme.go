package main

import (
	"fmt"
	"strings"

	"samenspel/internal/profiles"
	"samenspel/internal/synth"
)

// readme is config/examples/README.md: what the files are and how to make them again.
func readme(o options, events int, files []profiles.Tender) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("# Example data (Utrecht, GM0344)\n\n")
	p("Synthetic but realistic data for one municipality, Utrecht: the partners, their\n")
	p("track record together and a few tenders. It is what the README's run command, the\n")
	p("tests and the documentation use; the API server, once built, is to fill an empty\n")
	p("store with it on first start (unless `--no-examples`). Every organisation and idea\n")
	p("is made up; e-mail addresses are at the reserved domain example.org.\n\n")

	p("| file | what |\n|---|---|\n")
	p("| `profiles.ndjson` | %d partner profiles (SPEC §2), one a line |\n", o.profiles)
	p("| `collaborations.ndjson` | %d collaboration events (SPEC §2, §4) between partners that share an area, sorted by date |\n", events)
	p("| `tenders.ndjson` | %d tenders, one a line |\n", o.tenders)
	for _, t := range files {
		p("| `tender-%s.json` | %s: one tender, pretty-printed |\n", t.ID, t.Title)
	}
	if len(files) > 0 {
		p("\nTry a tender offline:\n\n")
		p("```sh\nmatcher suggest --tender config/examples/tender-%s.json \\\n", files[0].ID)
		p("  --profiles config/examples/profiles.ndjson \\\n")
		p("  --collaborations config/examples/collaborations.ndjson\n```\n")
	}
	p("\n")

	p("## The municipality\n\n")
	p("All areas are CBS-style codes (SPEC §1) in Utrecht, `GM0344`: ten districts\n")
	p("`WK034401`–`WK034410` and their neighbourhoods `BU0344dd01`… (the district's digits\n")
	p("and two more). The names are real Utrecht districts and neighbourhoods; the buurt\n")
	p("numbers follow the containment rule of the specification, not CBS's own numbering.\n\n")
	p("| district | code | neighbourhoods |\n|---|---|---|\n")
	for _, d := range synth.Utrecht() {
		names := make([]string, len(d.Neighbourhoods))
		for i, nb := range d.Neighbourhoods {
			names[i] = nb.Name
		}
		p("| %s | `%s` | %s |\n", d.Name, d.Code, strings.Join(names, ", "))
	}

	p("\n## What the data looks like\n\n")
	p("- Every partner kind appears, in proportions like a real city: many residents' groups,\n")
	p("  welfare organisations, sports and culture clubs, schools and businesses; a few housing\n")
	p("  corporations and care organisations; few municipal bodies, funds and knowledge\n")
	p("  institutions. Like in the real city, every district has a buurtteam, youth workers\n")
	p("  and sports coaches.\n")
	p("- Small partners work in one neighbourhood or district, medium ones in one or two\n")
	p("  districts, large ones in the whole municipality. About a fifth are new providers.\n")
	p("- Instruments fit the organisation (a football club offers sports activities, a housing\n")
	p("  corporation housing adaptation), 1–4 each, at levels 0.25–1; themes follow from them.\n")
	p("- About a third of the profiles carry a private idea (`private.ideas`): it is never\n")
	p("  shown to anyone but the partner and admins.\n")
	p("- About 80%% of the collaboration events are positive, dated 2024-01-01 to 2026-10-31.\n")
	p("- Tenders name real Utrecht problems, with 2–8 needs, level-playing-field rules and the\n")
	p("  default score weights.\n\n")

	p("## Making it again\n\n")
	p("The files are generated, not edited by hand. From the module root:\n\n")
	p("```sh\ngo run ./internal/synth/examplegen -out config/examples\n```\n\n")
	p("The generator is `internal/synth`, seeded with %d: the same seed gives the same files,\n", o.seed)
	p("byte for byte. Change the generator, not the files, and commit both. This directory is\n")
	p("embedded in the binaries (`config.Examples`), so keep only the data files and this\n")
	p("README here.\n")
	return b.String()
}
