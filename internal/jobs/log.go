package jobs

import (
	"log/slog"

	"github.com/robfig/cron/v3"
)

// cronLogger gives robfig/cron's Logger to slog. cron reports its own loop (every
// wake-up and schedule) at Info, which is noise for an operator: with quiet those go
// to Debug. The chain's reports (a slot skipped because the previous run still
// runs) are warnings; errors (a recovered panic) are always errors.
type cronLogger struct {
	log   *slog.Logger
	quiet bool
}

var _ cron.Logger = cronLogger{}

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	if l.quiet {
		l.log.Debug("cron: "+msg, keysAndValues...)
		return
	}
	l.log.Warn("cron: "+msg, keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, keysAndValues...)...)
}
