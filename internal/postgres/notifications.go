package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/webhook"
)

// AddNotifications records ns (Profile, Tender and Rank are read; Run and
// Created are run and now) in one transaction and returns how many were new: a
// partner already notified for a tender is not notified again.
func (s *Store) AddNotifications(ctx context.Context, run int64, now time.Time, ns []webhook.Notification) (added int, err error) {
	if len(ns) == 0 {
		return 0, nil
	}
	err = s.write(ctx, false, func(tx pgx.Tx) error {
		added = 0
		created := formatTime(now)
		batch := &pgx.Batch{}
		for _, n := range ns {
			batch.Queue(`INSERT INTO notifications (profile, tender, run, created, rank)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (profile, tender) DO NOTHING`,
				n.Profile, n.Tender, run, created, n.Rank)
		}
		res := tx.SendBatch(ctx, batch)
		for range ns {
			tag, err := res.Exec()
			if err != nil {
				res.Close()
				return err
			}
			added += int(tag.RowsAffected())
		}
		return res.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: add notifications: %w", err)
	}
	return added, nil
}

// Notifications returns profile's notifications, newest first, at most limit
// (all when limit ≤ 0).
func (s *Store) Notifications(ctx context.Context, profile string, limit int) ([]webhook.Notification, error) {
	ns, err := s.queryNotifications(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE profile = $1 ORDER BY id DESC LIMIT $2`, profile, sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: notifications of %q: %w", profile, err)
	}
	return ns, nil
}

// Undelivered returns the notifications not yet delivered that were tried fewer
// than maxAttempts times (however often when maxAttempts ≤ 0), oldest first, at
// most limit (all when limit ≤ 0).
func (s *Store) Undelivered(ctx context.Context, maxAttempts, limit int) ([]webhook.Notification, error) {
	below := int64(math.MaxInt32)
	if maxAttempts > 0 {
		below = int64(maxAttempts)
	}
	ns, err := s.queryNotifications(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE delivered IS NULL AND attempts < $1 ORDER BY id LIMIT $2`, below, sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: undelivered notifications: %w", err)
	}
	return ns, nil
}

// MarkDelivered records that notification id was delivered at now;
// webhook.ErrNotFound when there is none.
func (s *Store) MarkDelivered(ctx context.Context, id int64, now time.Time) error {
	if err := s.updateOne(ctx, webhook.ErrNotFound, `UPDATE notifications SET delivered = $1 WHERE id = $2`, formatTime(now), id); err != nil {
		return fmt.Errorf("postgres: mark notification %d delivered: %w", id, err)
	}
	return nil
}

// MarkAttempt counts one more delivery attempt of notification id;
// webhook.ErrNotFound when there is none.
func (s *Store) MarkAttempt(ctx context.Context, id int64) error {
	if err := s.updateOne(ctx, webhook.ErrNotFound, `UPDATE notifications SET attempts = attempts + 1 WHERE id = $1`, id); err != nil {
		return fmt.Errorf("postgres: mark notification %d attempted: %w", id, err)
	}
	return nil
}

// updateOne runs a statement that changes one row; none is notFound.
func (s *Store) updateOne(ctx context.Context, notFound error, query string, args ...any) error {
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return notFound
	}
	return nil
}

const notificationColumns = `id, profile, tender, run, created, rank, delivered, attempts`

// queryNotifications runs a query of notificationColumns rows; none is an
// empty list.
func (s *Store) queryNotifications(ctx context.Context, query string, args ...any) ([]webhook.Notification, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (webhook.Notification, error) {
		var n webhook.Notification
		var created string
		var delivered *string
		if err := r.Scan(&n.ID, &n.Profile, &n.Tender, &n.Run, &created, &n.Rank, &delivered, &n.Attempts); err != nil {
			return n, err
		}
		var err error
		if n.Created, err = parseTime(created); err != nil {
			return n, err
		}
		n.Delivered, err = parseOptionalTime(delivered)
		return n, err
	})
	return nonNil(out), err
}

// sqlLimit is a LIMIT for limit, where limit ≤ 0 means none (NULL: LIMIT ALL).
func sqlLimit(limit int) *int {
	if limit <= 0 {
		return nil
	}
	return &limit
}
