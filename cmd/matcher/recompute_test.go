package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"samenspel/config"
	"samenspel/internal/cache"
	"samenspel/internal/jobs"
	"samenspel/internal/match"
	"samenspel/internal/profiles"
	"samenspel/internal/store"
	suggestions "samenspel/internal/suggest"
	"samenspel/internal/synth"
)

// recomputeStore fills a data directory with partners all over Utrecht and n open
// tenders, and returns the directory with the tenders.
func recomputeStore(t *testing.T, partners, n int) (string, []profiles.Tender) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st := dataStore(t, dir)
	defer st.Close()
	if _, _, err := st.UpsertProfiles(ctx, synth.Profiles(1, partners)); err != nil {
		t.Fatal(err)
	}
	tenders := synth.Tenders(1, n)
	for _, tn := range tenders {
		if err := st.CreateTender(ctx, tn, "gemeente-utrecht", time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
	}
	return dir, tenders
}

// dataStore opens the embedded store in the data directory dir, as the commands
// do without database_url; the caller closes it.
func dataStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, _, err := openEmbedded(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// openEmbedded opens the embedded store in dir with the shipped taxonomy.
func openEmbedded(ctx context.Context, dir string) (*store.Store, *profiles.Taxonomy, error) {
	tax, err := profiles.ParseTaxonomy(config.Taxonomy)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, dir, tax)
	return st, tax, err
}

func TestRecomputeCommand(t *testing.T) {
	ctx := context.Background()
	dir, tenders := recomputeStore(t, 300, 6)
	steps := []struct {
		args []string
		want string
	}{
		{nil, `^recompute run 1 done: 6 tenders recomputed, 0 unchanged, 0 failed in \S+; \d+\.\d% of \d+ suggested seats to small or new providers; [1-9]\d* partners notified\n$`},
		{nil, `^recompute run 2 done: 0 tenders recomputed, 6 unchanged, 0 failed in \S+; \d+\.\d% of \d+ suggested seats to small or new providers; 0 partners notified\n$`},
		{[]string{"--full"}, `^recompute run 3 done: 6 tenders recomputed, 0 unchanged, 0 failed`},
	}
	for _, s := range steps {
		var stdout, stderr bytes.Buffer
		args := append([]string{"recompute", "--data", dir}, s.args...)
		if err := run(ctx, args, &stdout, &stderr); err != nil {
			t.Fatalf("matcher %v = %v; stderr:\n%s", args, err, stderr.String())
		}
		if !regexp.MustCompile(s.want).MatchString(stdout.String()) {
			t.Errorf("matcher %v printed %q, want %s", args, stdout.String(), s.want)
		}
	}
	st := dataStore(t, dir)
	defer st.Close()
	r, err := st.GetRun(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Fairness struct {
			PerTender map[string]any `json:"per_tender"`
		} `json:"fairness"`
	}
	stored, _ := json.Marshal(r.Report)
	if err := json.Unmarshal(stored, &rep); err != nil || r.Status != jobs.RunDone || r.Job != "recompute" || len(rep.Fairness.PerTender) != 6 {
		t.Errorf("run 3 as recorded = %+v (%v), want a done recompute with the fairness of 6 tenders", r, err)
	}
	for _, tn := range tenders {
		if _, run, _, _, err := st.StoredSuggestion(ctx, tn.ID); err != nil || run != 3 {
			t.Errorf("tender %s: stored by run %d, %v; want run 3", tn.ID, run, err)
		}
	}
}

// TestRecomputeKilled: a recompute killed (SIGKILL) in the middle leaves every
// tender with its old answer or its new one, whole.
func TestRecomputeKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the matcher and fills a store")
	}
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "matcher")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir, tenders := recomputeStore(t, 2000, 120)
	if err := run(ctx, []string{"recompute", "--data", dir}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	st := dataStore(t, dir)
	defer st.Close()
	old := map[string]string{}
	for _, tn := range tenders {
		_, _, _, body, err := st.StoredSuggestion(ctx, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		old[tn.ID] = string(body)
		// Every answer changes: trust weighs more.
		tn.Weights = profiles.Weights{Coverage: 0.4, Diversity: 0.2, Trust: 0.3, Inclusion: 0.1}
		if err := st.PutTender(ctx, tn, time.Unix(1, 0)); err != nil {
			t.Fatal(err)
		}
	}

	cmd := exec.Command(bin, "recompute", "--data", dir)
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	newer := func() int {
		n := 0
		for _, tn := range tenders {
			if _, run, _, _, err := st.StoredSuggestion(ctx, tn.ID); err == nil && run == 2 {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for newer() < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if n := newer(); n < 5 || n == len(tenders) {
		t.Fatalf("killed after %d of %d tenders: the test wants the kill in the middle", n, len(tenders))
	}

	svc := suggestions.New(st, cache.NewMemory(10, time.Hour), nil)
	for _, tn := range tenders {
		_, run, _, body, err := st.StoredSuggestion(ctx, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		var res match.Result
		if err := json.Unmarshal(body, &res); err != nil {
			t.Errorf("tender %s: stored answer is no JSON: %v", tn.ID, err)
			continue
		}
		rec, err := st.GetTender(ctx, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := svc.Match(ctx, rec.Tender, match.DefaultTop, false)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(fresh)
		switch {
		case run == 1 && string(body) == old[tn.ID]:
		case run == 2 && string(body) == string(want):
		default:
			t.Errorf("tender %s: stored by run %d, the old answer %t, the new one %t; want one of them whole",
				tn.ID, run, string(body) == old[tn.ID], string(body) == string(want))
		}
	}
}
