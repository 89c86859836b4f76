package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"samenspel/internal/pgtest"
	"samenspel/internal/postgres"
	"samenspel/internal/profiles"
)

// TestMigrateCommand: `matcher migrate` copies the shipped examples from a data
// directory into PostgreSQL (every profile whole, every tender with its
// version, every event), says so per kind, and a second run changes nothing.
func TestMigrateCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, tax, err := openEmbedded(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadExamples(ctx, st, tax, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	want, err := st.GetProfileRecord(ctx, "bewonersorganisatie-noordwest")
	if err != nil {
		t.Fatal(err)
	}
	wantTenders, err := st.Tenders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db := pgtest.Database(t)

	runs := []string{
		`^profiles 320 copied \(320 new, 0 replaced, 0 unchanged\)
tenders 6 copied \(6 new, 0 replaced, 0 unchanged\)
interests 0 copied \(0 new, 0 replaced, 0 unchanged\)
tokens 0 copied .*
awards 0 copied .*
collaboration events 400 copied \(400 new, 0 replaced, 0 unchanged\)
ideas 0 copied .*
webhooks 0 copied .*
notifications 0 copied .*
$`,
		`^profiles 320 copied \(0 new, 0 replaced, 320 unchanged\)
tenders 6 copied \(0 new, 0 replaced, 6 unchanged\)
(.* 0 copied .*\n){3}collaboration events 400 copied \(0 new, 0 replaced, 400 unchanged\)
`,
	}
	for i, pattern := range runs {
		var stdout, stderr bytes.Buffer
		args := []string{"migrate", "--data", dir, "--to", db}
		if err := run(ctx, args, &stdout, &stderr); err != nil {
			t.Fatalf("run %d: matcher migrate = %v; stderr:\n%s", i+1, err, stderr.String())
		}
		if !regexp.MustCompile(pattern).MatchString(stdout.String()) {
			t.Errorf("run %d printed\n%s\nwant it to match\n%s", i+1, stdout.String(), pattern)
		}
	}

	pg, err := postgres.Open(ctx, db, tax)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	got, err := pg.GetProfileRecord(ctx, want.Profile.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Profile.Contact == nil || len(got.Profile.Private) == 0 {
		t.Errorf("the copied profile lost its contact or private fields: %+v", got.Profile)
	}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(profiles.Record{}, "Version", "Updated")); d != "" {
		t.Errorf("profile %s after migrate (-embedded +postgres):\n%s", want.Profile.ID, d)
	}
	if !got.Updated.Equal(want.Updated.Truncate(time.Microsecond)) {
		t.Errorf("profile %s written at %v after migrate, at %v before", want.Profile.ID, got.Updated, want.Updated)
	}
	gotTenders, err := pg.Tenders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantTenders, gotTenders, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("tenders after migrate (-embedded +postgres):\n%s", d)
	}
	events, err := pg.Collaborations(ctx)
	if err != nil || len(events) != 400 {
		t.Errorf("PostgreSQL holds %d counted events (%v), want 400", len(events), err)
	}
}

// TestMigrateRefuses: a --to that is not a postgres:// URL is a usage error
// naming the flag, and a data directory without a store, or with an empty one,
// is refused before PostgreSQL is touched, saying why.
func TestMigrateRefuses(t *testing.T) {
	ctx := context.Background()
	empty := t.TempDir()
	st, _, err := openEmbedded(ctx, empty)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	missing := filepath.Join(t.TempDir(), "nothing-here")
	pg := "postgres://user:secret@127.0.0.1:1/db"
	cases := []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"--data", empty}, true, "--to: the PostgreSQL database to copy into is required"},
		{[]string{"--data", empty, "--to", "mysql://user:secret@host/db"}, true, "--to: want postgres://"},
		{[]string{"--data", empty, "--to", "/var/lib/data"}, true, "--to: want postgres://"},
		{[]string{"--data", missing, "--to", pg}, false, "data: no embedded store in"},
		{[]string{"--data", empty, "--to", pg}, false, "holds no profile and no tender: nothing to migrate"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		err := run(ctx, append([]string{"migrate"}, c.args...), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) || (exitCode(err) == 2) != c.usage {
			t.Errorf("matcher migrate %v = %v (exit %d), want an error with %q (usage error: %v)", c.args, err, exitCode(err), c.want, c.usage)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("matcher migrate %v: the error shows the password: %v", c.args, err)
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("migrate made the missing data directory %s (%v)", missing, err)
	}
}
