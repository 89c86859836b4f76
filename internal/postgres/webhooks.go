package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"samenspel/internal/webhook"
)

// PutWebhook sets profile's webhook to url, signed with secret, as set at now,
// replacing the one it had (and so its secret). profiles.ErrNotFound when there is
// no such profile. The caller validates url. The webhook goes with its profile.
func (s *Store) PutWebhook(ctx context.Context, profile, url, secret string, now time.Time) error {
	err := s.write(ctx, false, func(tx pgx.Tx) error {
		if url == "" || secret == "" {
			return errors.New("a url and a secret are required")
		}
		_, err := tx.Exec(ctx, `INSERT INTO webhooks (profile, url, secret, created) VALUES ($1, $2, $3, $4)
			ON CONFLICT (profile) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, created = EXCLUDED.created`,
			profile, url, secret, formatTime(now))
		return constraint(err) // no profile: a missing referenced row
	})
	if err != nil {
		return fmt.Errorf("postgres: put webhook of %q: %w", profile, err)
	}
	return nil
}

// Webhook returns profile's webhook, secret included; webhook.ErrNotFound when
// the profile has none.
func (s *Store) Webhook(ctx context.Context, profile string) (webhook.Webhook, error) {
	w := webhook.Webhook{Profile: profile}
	var created string
	err := s.pool.QueryRow(ctx, `SELECT url, secret, created FROM webhooks WHERE profile = $1`, profile).
		Scan(&w.URL, &w.Secret, &created)
	if err = noRows(err, webhook.ErrNotFound); err == nil {
		w.Created, err = parseTime(created)
	}
	if err != nil {
		return webhook.Webhook{}, fmt.Errorf("postgres: webhook of %q: %w", profile, err)
	}
	return w, nil
}

// DeleteWebhook removes profile's webhook; webhook.ErrNotFound when the profile
// has none.
func (s *Store) DeleteWebhook(ctx context.Context, profile string) error {
	if err := s.updateOne(ctx, webhook.ErrNotFound, `DELETE FROM webhooks WHERE profile = $1`, profile); err != nil {
		return fmt.Errorf("postgres: delete webhook of %q: %w", profile, err)
	}
	return nil
}
