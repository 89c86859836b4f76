package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestServeGazetteer: --gazetteer loads the operator's area names, and the API
// refuses a profile naming an area of that municipality which the file does not
// hold; a file that does not load stops the start with its file:line errors.
func TestServeGazetteer(t *testing.T) {
	t.Chdir(t.TempDir())
	const areas = "code,name,parent\nGM0344,Utrecht,NL\nWK034402,Noordwest,GM0344\nBU03440201,Zuilen,WK034402\n"
	if err := os.WriteFile("areas.csv", []byte(areas), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("bad.csv", []byte(areas+"BU03440301,Tigrisdreef,WK034403\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := serve(context.Background(), []string{"--addr", "127.0.0.1:0", "--data", "d", "--gazetteer", "bad.csv"}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), `bad.csv:5: column parent: unknown parent "WK034403"`) {
		t.Errorf("serve --gazetteer bad.csv = %v, want the file's line 5 and column parent", err)
	}
	if _, err := os.Stat("d"); err == nil {
		t.Errorf("serve with a gazetteer that does not load opened the store")
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc, errc := make(chan string, 1), make(chan error, 1)
	go func() {
		errc <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", "d", "--no-examples", "--gazetteer", "areas.csv"}, io.Discard, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	register := func(id, area string) (int, string) {
		doc := `{"id":"` + id + `","name":"Buurtkamer","kind":"residents_group","size":"small","areas":["` + area + `"],"instruments":{"meals":1}}`
		resp, err := http.Post("http://"+addr+"/v1/profiles", "application/json", strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := register("in-zuilen", "BU03440201"); status != 201 {
		t.Errorf("register in Zuilen = %d %s, want 201", status, body)
	}
	if status, body := register("in-overvecht", "WK034403"); status != 422 ||
		!strings.Contains(body, `{"field":"areas[0]","message":"\"WK034403\": unknown area in Utrecht (GM0344)"}`) {
		t.Errorf("register in WK034403, which areas.csv lacks = %d %s, want 422 on areas[0]", status, body)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("serve after cancel = %v", err)
	}
}
