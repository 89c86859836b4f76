package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"samenspel/internal/webhook"
	"time"
)

// AddNotifications records ns (Profile, Tender and Rank are read; Run and Created
// are run and now) in one transaction and returns how many were new: a partner
// already notified for a tender is not notified again.
func (s *Store) AddNotifications(ctx context.Context, run int64, now time.Time, ns []webhook.Notification) (added int, err error) {
	if len(ns) == 0 {
		return 0, nil
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO notifications (profile, tender, run, created, rank)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (profile, tender) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		created := formatTime(now)
		for _, n := range ns {
			res, err := stmt.ExecContext(ctx, n.Profile, n.Tender, run, created, n.Rank)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: add notifications: %w", err)
	}
	return added, nil
}

// Notifications returns profile's notifications, newest first, at most limit (all
// when limit ≤ 0).
func (s *Store) Notifications(ctx context.Context, profile string, limit int) ([]webhook.Notification, error) {
	ns, err := queryNotifications(ctx, s.reader, `SELECT `+notificationColumns+` FROM notifications
		WHERE profile = ? ORDER BY id DESC LIMIT ?`, profile, notificationsLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: notifications of %q: %w", profile, err)
	}
	return ns, nil
}

// Undelivered returns the notifications not yet delivered that were tried fewer
// than maxAttempts times (however often when maxAttempts ≤ 0), oldest first, at
// most limit (all when limit ≤ 0). The webhook sender passes the attempts after
// which it gives up, so that it never reads again those it gave up on.
func (s *Store) Undelivered(ctx context.Context, maxAttempts, limit int) ([]webhook.Notification, error) {
	below := int64(math.MaxInt64)
	if maxAttempts > 0 {
		below = int64(maxAttempts)
	}
	ns, err := queryNotifications(ctx, s.reader, `SELECT `+notificationColumns+` FROM notifications
		WHERE delivered = '' AND attempts < ? ORDER BY id LIMIT ?`, below, notificationsLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: undelivered notifications: %w", err)
	}
	return ns, nil
}

// MarkDelivered records that notification id was delivered at now. It returns
// webhook.ErrNotFound when there is none.
func (s *Store) MarkDelivered(ctx context.Context, id int64, now time.Time) error {
	if err := s.updateNotification(ctx, `UPDATE notifications SET delivered = ? WHERE id = ?`, formatTime(now), id); err != nil {
		return fmt.Errorf("store: mark notification %d delivered: %w", id, err)
	}
	return nil
}

// MarkAttempt counts one more delivery attempt of notification id. It returns
// webhook.ErrNotFound when there is none.
func (s *Store) MarkAttempt(ctx context.Context, id int64) error {
	if err := s.updateNotification(ctx, `UPDATE notifications SET attempts = attempts + 1 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: mark notification %d attempted: %w", id, err)
	}
	return nil
}

// updateNotification runs an UPDATE of one notification; no row is webhook.ErrNotFound.
func (s *Store) updateNotification(ctx context.Context, query string, args ...any) error {
	res, err := s.writer.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return webhook.ErrNotFound
	}
	return nil
}

const notificationColumns = `id, profile, tender, run, created, rank, delivered, attempts`

// queryNotifications runs a query of notificationColumns rows.
func queryNotifications(ctx context.Context, q queryer, query string, args ...any) ([]webhook.Notification, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []webhook.Notification{}
	for rows.Next() {
		var n webhook.Notification
		var created, delivered string
		if err := rows.Scan(&n.ID, &n.Profile, &n.Tender, &n.Run, &created, &n.Rank, &delivered, &n.Attempts); err != nil {
			return nil, err
		}
		if n.Created, err = parseTime(created); err != nil {
			return nil, err
		}
		if delivered != "" {
			if n.Delivered, err = parseTime(delivered); err != nil {
				return nil, err
			}
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// notificationsLimit is a LIMIT for limit, where limit ≤ 0 means none (SQLite: -1).
func notificationsLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}
