package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"samenspel/internal/profiles"
	"samenspel/internal/webhook"
	"time"
)

// PutWebhook sets profile's webhook to url, signed with secret, as set at now,
// replacing the one it had (and so its secret). It returns ErrNotFound when there
// is no such profile. The caller validates url.
func (s *Store) PutWebhook(ctx context.Context, profile, url, secret string, now time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if url == "" || secret == "" {
			return errors.New("a url and a secret are required")
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM profiles WHERE id = ?`, profile).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return profiles.ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO webhooks (profile, url, secret, created) VALUES (?, ?, ?, ?)
			ON CONFLICT (profile) DO UPDATE SET url = excluded.url, secret = excluded.secret, created = excluded.created`,
			profile, url, secret, formatTime(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: put webhook of %q: %w", profile, err)
	}
	return nil
}

// Webhook returns profile's webhook, secret included. It returns webhook.ErrNotFound when
// the profile has none.
func (s *Store) Webhook(ctx context.Context, profile string) (webhook.Webhook, error) {
	w := webhook.Webhook{Profile: profile}
	var created string
	err := s.reader.QueryRowContext(ctx, `SELECT url, secret, created FROM webhooks WHERE profile = ?`, profile).
		Scan(&w.URL, &w.Secret, &created)
	if errors.Is(err, sql.ErrNoRows) {
		err = webhook.ErrNotFound
	}
	if err == nil {
		w.Created, err = parseTime(created)
	}
	if err != nil {
		return webhook.Webhook{}, fmt.Errorf("store: webhook of %q: %w", profile, err)
	}
	return w, nil
}

// DeleteWebhook removes profile's webhook: its notifications are no longer
// delivered. It returns webhook.ErrNotFound when the profile has none.
func (s *Store) DeleteWebhook(ctx context.Context, profile string) error {
	res, err := s.writer.ExecContext(ctx, `DELETE FROM webhooks WHERE profile = ?`, profile)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = webhook.ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("store: delete webhook of %q: %w", profile, err)
	}
	return nil
}
