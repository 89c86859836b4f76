package meili

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"samenspel/internal/profiles"
)

// putBatch is how many documents go in one request: far below Meilisearch's payload
// limit (100 MB by default), and small enough that a retried request repeats little.
const putBatch = 1000

// EnsureIndex creates the index with primary key "id" when it is missing, then
// applies the settings (package comment). Both are idempotent: applying the same
// settings again changes nothing, and a replica that creates the index at the same
// time as another is fine. It returns once the settings are in force.
func (m *Index) EnsureIndex(ctx context.Context) error {
	var info *meilisearch.IndexResult
	err := m.call(ctx, "get index "+m.uid, func(ctx context.Context) error {
		var err error
		info, err = m.client.GetIndex(ctx, m.uid)
		return err
	})
	switch {
	case hasCode(err, "index_not_found"):
		if err := m.task(ctx, "create index "+m.uid, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
			return m.client.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: m.uid, PrimaryKey: "id"})
		}, nil); err != nil && !hasCode(err, "index_already_exists") {
			return err
		}
	case err != nil:
		return err
	case info.PrimaryKey != "" && info.PrimaryKey != "id":
		return fmt.Errorf("meili: index %s has primary key %q, want \"id\"", m.uid, info.PrimaryKey)
	}
	return m.task(ctx, "update settings of "+m.uid, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
		return m.index.UpdateSettings(ctx, settings(m.tax))
	}, nil)
}

// Put adds or replaces profiles by id, public fields only: contact and private never
// leave the process. It returns once Meilisearch has indexed every profile, so they
// are visible to Candidates and SearchProfiles on return; on error, some batches may
// have been indexed and others not (Put them again: it is idempotent).
func (m *Index) Put(ctx context.Context, ps []profiles.Profile) error {
	var bad []profiles.FieldError
	for i, p := range ps {
		if !profiles.ValidID(p.ID) {
			bad = append(bad, profiles.FieldError{Field: fmt.Sprintf("[%d].id", i),
				Message: fmt.Sprintf("%s is not 1-64 characters a-z, 0-9 and '-'", quoteForMessage(p.ID))})
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("meili: put profiles: %w", &profiles.ValidationError{Errors: bad})
	}
	pk := "id"
	for batch := range slices.Chunk(ps, putBatch) {
		docs := make([]document, len(batch))
		for i, p := range batch {
			docs[i] = newDocument(p, m.tax)
		}
		what := fmt.Sprintf("put %d profiles", len(docs))
		if err := m.task(ctx, what, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
			return m.index.AddDocuments(ctx, docs, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		}, nil); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes the profiles with the given ids and returns once they are gone from
// the index. When some ids had no profile it still removes the others and returns an
// error wrapping profiles.ErrNotFound, as the embedded store's DeleteProfile does.
func (m *Index) Delete(ctx context.Context, ids []string) error {
	f := newFilter(m.tax)
	f.check("ids", vID, ids, true)
	if err := f.Err(); err != nil {
		return fmt.Errorf("meili: delete profiles: %w", err)
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil
	}
	var done *meilisearch.Task
	if err := m.task(ctx, fmt.Sprintf("delete %d profiles", len(ids)), func(ctx context.Context) (*meilisearch.TaskInfo, error) {
		return m.index.DeleteDocuments(ctx, ids, nil)
	}, &done); err != nil {
		return err
	}
	if missing := int64(len(ids)) - done.Details.DeletedDocuments; missing > 0 {
		return fmt.Errorf("meili: delete profiles: %d of %d had no profile: %w", missing, len(ids), profiles.ErrNotFound)
	}
	return nil
}

// Get returns the public fields of one profile, or an error wrapping
// profiles.ErrNotFound.
func (m *Index) Get(ctx context.Context, id string) (profiles.Profile, error) {
	if !profiles.ValidID(id) {
		return profiles.Profile{}, fmt.Errorf("meili: get profile %q: %w", id, profiles.ErrNotFound)
	}
	var d document
	err := m.call(ctx, "get profile "+id, func(ctx context.Context) error {
		d = document{}
		return m.index.GetDocument(ctx, id, &meilisearch.DocumentQuery{Fields: publicFields}, &d)
	})
	if err != nil {
		return profiles.Profile{}, err
	}
	return d.profile(), nil
}

// task enqueues a task with enqueue (tried again as call does) and waits for it to
// finish, for at most the task timeout. A task that fails is an *Error with
// Meilisearch's code and message. When done is not nil it receives the finished
// task.
func (m *Index) task(ctx context.Context, what string, enqueue func(ctx context.Context) (*meilisearch.TaskInfo, error), done **meilisearch.Task) error {
	return m.taskWith(ctx, what, transient, enqueue, done)
}

// taskWith is task, trying the enqueue again only after the failures retry accepts
// (callWith). Polling the task is always tried again: it is a read.
func (m *Index) taskWith(ctx context.Context, what string, retry func(error) bool, enqueue func(ctx context.Context) (*meilisearch.TaskInfo, error), done **meilisearch.Task) error {
	var info *meilisearch.TaskInfo
	if err := m.callWith(ctx, what, retry, func(ctx context.Context) error {
		var err error
		info, err = enqueue(ctx)
		return err
	}); err != nil {
		return err
	}
	t, err := m.wait(ctx, what, info.TaskUID)
	if err != nil {
		return err
	}
	if done != nil {
		*done = t
	}
	return nil
}

// wait polls a task until it has succeeded, failed or was canceled, or the task
// timeout has passed. The first polls come quickly (small writes take milliseconds),
// later ones at most every 250 ms.
func (m *Index) wait(ctx context.Context, what string, uid int64) (*meilisearch.Task, error) {
	ctx, cancel := context.WithTimeout(ctx, m.taskTimeout)
	defer cancel()
	interval := m.pollInterval
	for {
		var t *meilisearch.Task
		err := m.call(ctx, fmt.Sprintf("%s: get task %d", what, uid), func(ctx context.Context) error {
			var err error
			t, err = m.client.GetTask(ctx, uid)
			return err
		})
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("meili: %s: task %d not finished within %v; it may still be applied later: %w",
					what, uid, m.taskTimeout, context.DeadlineExceeded)
			}
			return nil, err
		}
		switch t.Status {
		case meilisearch.TaskStatusSucceeded:
			return t, nil
		case meilisearch.TaskStatusFailed:
			return nil, &Error{Op: what, TaskUID: uid, Code: string(t.Error.Code), Type: t.Error.Type,
				Message: t.Error.Message, Link: t.Error.Link}
		case meilisearch.TaskStatusCanceled:
			return nil, &Error{Op: what, TaskUID: uid, Code: "task_canceled", Message: "the task was canceled"}
		}
		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("meili: %s: task %d still %s after %v; it may still be applied later: %w",
				what, uid, t.Status, m.taskTimeout, ctx.Err())
		case <-timer.C:
		}
		interval = min(2*interval, 250*time.Millisecond)
	}
}
