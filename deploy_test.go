// Tests of the files that describe the scaled set-up (docker-compose.yml and the
// Dockerfile). No container runs on the machines that test this project, so these
// check what can be checked without one: the structure the README promises, pinned
// images, health checks, a non-root image, and no master key in a running service.
package samenspel_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Entrypoint  []string          `yaml:"entrypoint"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		Deploy struct {
			Replicas int `yaml:"replicas"`
		} `yaml:"deploy"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func TestCompose(t *testing.T) {
	data, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, name := range []string{"postgres", "meilisearch", "redis", "matcher", "indexer"} {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("service %s is missing", name)
			continue
		}
		if len(s.Healthcheck.Test) == 0 {
			t.Errorf("service %s has no health check", name)
		}
		for k, v := range s.Environment {
			if k != "MEILI_MASTER_KEY" && strings.Contains(v, "MEILI_MASTER_KEY") {
				t.Errorf("service %s gets the master key in %s", name, k)
			}
			if name != "meilisearch" && k == "MEILI_MASTER_KEY" {
				t.Errorf("service %s runs with the master key", name)
			}
		}
	}
	pinned := regexp.MustCompile(`^[a-z0-9./-]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?$`)
	for _, name := range []string{"postgres", "meilisearch", "redis"} {
		if img := c.Services[name].Image; !pinned.MatchString(img) {
			t.Errorf("service %s image %q is not pinned to a version", name, img)
		}
	}
	m, ix := c.Services["matcher"], c.Services["indexer"]
	if m.Deploy.Replicas != 2 {
		t.Errorf("matcher replicas = %d, want 2", m.Deploy.Replicas)
	}
	for _, k := range []string{"SAMENSPEL_DATABASE_URL", "SAMENSPEL_REDIS_URL", "SAMENSPEL_MEILI_URL", "SAMENSPEL_MEILI_KEY"} {
		if m.Environment[k] == "" {
			t.Errorf("matcher lacks %s", k)
		}
	}
	if !strings.Contains(m.Environment["SAMENSPEL_MEILI_KEY"], "SEARCH_KEY") || !strings.Contains(ix.Environment["SAMENSPEL_MEILI_KEY"], "INDEXER_KEY") {
		t.Errorf("matcher key %q, indexer key %q: want the search key and the indexer key", m.Environment["SAMENSPEL_MEILI_KEY"], ix.Environment["SAMENSPEL_MEILI_KEY"])
	}
	// PostgreSQL is the source of truth of the replicas and the indexer; no service
	// shares a volume with another, so each could run on a host of its own.
	pg := c.Services["postgres"]
	for name, svc := range map[string]struct {
		env  map[string]string
		deps string
	}{"matcher": {m.Environment, m.DependsOn["postgres"].Condition}, "indexer": {ix.Environment, ix.DependsOn["postgres"].Condition}} {
		url := svc.env["SAMENSPEL_DATABASE_URL"]
		if !strings.HasPrefix(url, "postgres://samenspel:${POSTGRES_PASSWORD") || !strings.Contains(url, "@postgres:5432/samenspel") {
			t.Errorf("%s SAMENSPEL_DATABASE_URL = %q, want the postgres service with the password from the environment", name, url)
		}
		if svc.deps != "service_healthy" {
			t.Errorf("%s does not wait for a healthy PostgreSQL", name)
		}
		if _, ok := svc.env["SAMENSPEL_DATA"]; ok {
			t.Errorf("%s still names a data directory", name)
		}
	}
	if !strings.HasPrefix(pg.Environment["POSTGRES_PASSWORD"], "${POSTGRES_PASSWORD") || !slices.Contains(pg.Volumes, "pg:/var/lib/postgresql/data") {
		t.Errorf("postgres password %q, volumes %v: want the password from the environment and a volume", pg.Environment["POSTGRES_PASSWORD"], pg.Volumes)
	}
	seen := map[string]string{}
	for name, svc := range c.Services {
		for _, v := range svc.Volumes {
			vol, _, _ := strings.Cut(v, ":")
			if other, ok := seen[vol]; ok {
				t.Errorf("services %s and %s share the volume %s", other, name, vol)
			}
			seen[vol] = name
		}
	}
	if _, ok := c.Volumes["data"]; ok || len(m.Volumes) > 0 || len(ix.Volumes) > 0 {
		t.Errorf("a data volume is left: matcher %v, indexer %v", m.Volumes, ix.Volumes)
	}
	if _, ok := c.Volumes["meili"]; !ok || !slices.Contains(c.Services["meilisearch"].Volumes, "meili:/meili_data") {
		t.Errorf("Meilisearch keeps no volume")
	}
	if !slices.Equal(ix.Entrypoint, []string{"/indexer"}) || !slices.Equal(ix.Command, []string{"sync", "--watch"}) ||
		!slices.Equal(ix.Healthcheck.Test, []string{"CMD", "/indexer", "status"}) {
		t.Errorf("indexer runs %v %v, checked by %v", ix.Entrypoint, ix.Command, ix.Healthcheck.Test)
	}
	if !slices.Equal(m.Healthcheck.Test, []string{"CMD", "/matcher", "healthcheck"}) {
		t.Errorf("matcher health check = %v", m.Healthcheck.Test)
	}
	if m.DependsOn["meilisearch"].Condition != "service_healthy" || m.DependsOn["redis"].Condition != "service_healthy" {
		t.Errorf("matcher does not wait for healthy Meilisearch and Redis: %+v", m.DependsOn)
	}
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	var user string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "FROM" {
			froms = append(froms, f[1])
		}
		if len(f) >= 2 && f[0] == "USER" {
			user = f[1]
		}
	}
	if len(froms) < 2 {
		t.Errorf("Dockerfile has %d stages, want a build stage and a runtime stage", len(froms))
	}
	for _, img := range froms {
		if !strings.Contains(img, ":") || strings.HasSuffix(img, ":latest") {
			t.Errorf("base image %q is not pinned", img)
		}
	}
	if user == "" || strings.HasPrefix(user, "0") || strings.HasPrefix(user, "root") {
		t.Errorf("the image runs as %q, want a non-root user", user)
	}
	for _, want := range []string{"./cmd/matcher", "./cmd/indexer", "CGO_ENABLED=0", "-tags nomsgpack", `HEALTHCHECK`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
}
