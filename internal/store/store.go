package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"samenspel/internal/profiles"
)

// fileName is the database file Open creates in its directory.
const fileName = "samenspel.db"

// busyTimeout is how long a write waits for another connection or process (the
// indexer during an import) to finish its write before it fails. The caller's
// context ends the wait sooner.
const busyTimeout = 30 * time.Second

// Store is the embedded store. It is safe for concurrent use, and other processes
// may open the same directory at the same time.
type Store struct {
	// writer holds the one connection that writes: writers of this process queue
	// here in Go rather than poll SQLite's lock. reader serves reads in parallel
	// (WAL readers never wait for the writer).
	writer, reader *sql.DB
	labels         labeler
	// versions answers Versions, which runs on every cached answer.
	versions *versionWatch
	// now stamps when a profile was last written (WithClock).
	now func() time.Time
}

// Option configures a Store at Open.
type Option func(*Store)

// WithClock sets the clock that stamps when a profile was last written (default
// time.Now). The profile writes take no time of their own, since they have many
// callers; tests give them one here.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open opens the store in dir, creating dir and dir/samenspel.db when they do not
// exist and bringing the schema up to date. tax gives the labels that search
// finds instruments and themes by; when they changed since the last Open, the
// labels of every stored profile are indexed again.
func Open(ctx context.Context, dir string, tax *profiles.Taxonomy, opts ...Option) (*Store, error) {
	if tax == nil {
		return nil, errors.New("store: open: no taxonomy")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(dir, fileName))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	common := []string{fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()), "foreign_keys(1)"}
	writeDSN := dsn(uri, slices.Concat(common, []string{
		"journal_mode(WAL)",  // readers never wait for the writer, nor it for them
		"synchronous(FULL)",  // a commit is on disk before it returns
		"cache_size(-65536)", // up to 64 MiB of pages: an import's indexes stay in memory
		"temp_store(MEMORY)", // statement journals in memory, not in temporary files
	}), "immediate") // take the write lock at BEGIN, so a transaction never fails upgrading to it
	readDSN := dsn(uri, slices.Concat(common, []string{"query_only(1)"}), "")

	s := &Store{labels: newLabeler(tax), now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	if s.writer, err = sql.Open("sqlite", writeDSN); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s.writer.SetMaxOpenConns(1)
	if err := s.migrate(ctx); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if s.reader, err = sql.Open("sqlite", readDSN); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s.reader.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	s.reader.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))
	if s.versions, err = newVersionWatch(readDSN); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	return s, nil
}

// dsn is the modernc.org/sqlite data source name of the database at uri, with
// pragmas run on every new connection and the BEGIN mode of its transactions.
func dsn(uri string, pragmas []string, txlock string) string {
	q := url.Values{"_pragma": pragmas}
	if txlock != "" {
		q.Set("_txlock", txlock)
	}
	return uri + "?" + q.Encode()
}

// Close closes the database. Calls after Close fail.
func (s *Store) Close() error {
	var errs []error
	if s.versions != nil {
		errs = append(errs, s.versions.close())
	}
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	return errors.Join(append(errs, s.writer.Close())...)
}

// Ping reports whether the database can be read: the readiness of the server.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.reader.QueryRowContext(ctx, `SELECT 1 FROM schema_version`).Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Empty reports whether the store holds no profile and no tender: a first start,
// which the server fills with the shipped examples.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var empty bool
	err := s.reader.QueryRowContext(ctx,
		`SELECT NOT EXISTS (SELECT 1 FROM profiles) AND NOT EXISTS (SELECT 1 FROM tenders)`).Scan(&empty)
	if err != nil {
		return false, fmt.Errorf("store: empty: %w", err)
	}
	return empty, nil
}

// Versions returns the current change counters: those of every write committed
// before the call, by this process or another.
func (s *Store) Versions(ctx context.Context) (profiles.Versions, error) {
	v, err := s.versions.get(ctx)
	if err != nil {
		return profiles.Versions{}, fmt.Errorf("store: versions: %w", err)
	}
	return v, nil
}

// versionWatch keeps the last counters read and reads them again only when
// something was committed since. It asks SQLite on a connection of its own:
// PRAGMA data_version on one connection changes whenever any other connection, in
// this process or another (the indexer), has committed, and that costs less than
// the counters themselves. The connection never writes, so no commit goes unseen.
//
// Callers that arrive while a check is running share the next one: a check begun
// after a caller arrived sees every write acknowledged before it, and under load
// one check answers many requests.
type versionWatch struct {
	db *sql.DB // at most one connection, held in conn

	mu sync.Mutex
	// cur is the check that runs now (or is about to: started tells), nil when
	// none does; next is the check that the callers who came while cur was running
	// wait for. Its leader runs it when cur is done. Only one check runs at a time.
	cur, next *versionCheck

	// The fields below belong to the running check.
	conn *sql.Conn // nil until first use and after an error
	// dataVersion and counters are prepared on conn.
	dataVersion, counters *sql.Stmt
	// seen is conn's data_version when v was read; only meaningful while conn is
	// the connection it was read on.
	seen int64
	v    profiles.Versions
}

// versionCheck is one reading of the counters, shared by every caller that waits
// for it.
type versionCheck struct {
	started bool          // under versionWatch.mu
	done    chan struct{} // closed when v and err are set
	v       profiles.Versions
	err     error
}

func newVersionWatch(dsn string) (*versionWatch, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &versionWatch{db: db}, nil
}

// get returns the counters as of a moment after the call began.
func (w *versionWatch) get(ctx context.Context) (profiles.Versions, error) {
	w.mu.Lock()
	switch {
	case w.cur == nil: // nothing runs: check now
		c := &versionCheck{started: true, done: make(chan struct{})}
		w.cur = c
		w.mu.Unlock()
		w.run(ctx, c)
		return c.v, c.err
	case !w.cur.started: // the next check has not begun yet: it will do
		c := w.cur
		w.mu.Unlock()
		return c.wait(ctx)
	case w.next != nil: // a check runs that may have begun before this call
		c := w.next
		w.mu.Unlock()
		return c.wait(ctx)
	}
	c := &versionCheck{done: make(chan struct{})}
	w.next = c
	prev := w.cur
	w.mu.Unlock()
	<-prev.done // one check: microseconds
	w.mu.Lock()
	c.started = true
	w.mu.Unlock()
	w.run(ctx, c)
	return c.v, c.err
}

// wait waits for c's result, or for ctx to end.
func (c *versionCheck) wait(ctx context.Context) (profiles.Versions, error) {
	select {
	case <-c.done:
		return c.v, c.err
	case <-ctx.Done():
		return profiles.Versions{}, ctx.Err()
	}
}

// run reads the counters into c and hands over to the next check. The statements
// run without the caller's cancellation: the result is shared, and a cancelled
// query could spoil the connection for everyone after.
func (w *versionWatch) run(ctx context.Context, c *versionCheck) {
	defer func() {
		w.mu.Lock()
		w.cur, w.next = w.next, nil
		w.mu.Unlock()
		close(c.done)
	}()
	c.v, c.err = w.check(context.WithoutCancel(ctx))
}

// check reads the counters, or only data_version when nothing was committed since
// they were last read. Only the running check calls it.
func (w *versionWatch) check(ctx context.Context) (profiles.Versions, error) {
	fresh := w.conn == nil
	if fresh {
		if err := w.connect(ctx); err != nil {
			return profiles.Versions{}, err
		}
	}
	var dv int64
	if err := w.dataVersion.QueryRowContext(ctx).Scan(&dv); err != nil {
		return profiles.Versions{}, errors.Join(err, w.disconnect())
	}
	if !fresh && dv == w.seen {
		return w.v, nil
	}
	// Read after data_version: a commit in between shows in the counters now and in
	// data_version next time, so it is read twice at worst, never missed.
	var v profiles.Versions
	if err := w.counters.QueryRowContext(ctx).Scan(&v.Profiles, &v.Tenders, &v.Collaborations); err != nil {
		return profiles.Versions{}, errors.Join(err, w.disconnect())
	}
	w.v, w.seen = v, dv
	return v, nil
}

// connect takes the watch's connection and prepares its statements.
func (w *versionWatch) connect(ctx context.Context) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	w.conn = conn
	if w.dataVersion, err = conn.PrepareContext(ctx, `PRAGMA data_version`); err != nil {
		return errors.Join(err, w.disconnect())
	}
	if w.counters, err = conn.PrepareContext(ctx, versionsQuery); err != nil {
		return errors.Join(err, w.disconnect())
	}
	return nil
}

// disconnect gives the connection up, so that the next get starts afresh on a new
// one: data_version values of two connections are not comparable.
func (w *versionWatch) disconnect() error {
	var errs []error
	for _, st := range []*sql.Stmt{w.dataVersion, w.counters} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if w.conn != nil {
		errs = append(errs, w.conn.Close())
	}
	w.conn, w.dataVersion, w.counters = nil, nil, nil
	return errors.Join(errs...)
}

// close closes the connection; no get may run or follow.
func (w *versionWatch) close() error {
	return errors.Join(w.disconnect(), w.db.Close())
}

const versionsQuery = `SELECT
	(SELECT version FROM versions WHERE kind = 'profiles'),
	(SELECT version FROM versions WHERE kind = 'tenders'),
	(SELECT version FROM versions WHERE kind = 'collaborations')`

// Kinds of document, as the versions table names them.
const (
	kindProfiles       = "profiles"
	kindTenders        = "tenders"
	kindCollaborations = "collaborations"
)

// bump increases the change counter of kind inside tx.
func bump(ctx context.Context, tx *sql.Tx, kind string) error {
	_, err := tx.ExecContext(ctx, `UPDATE versions SET version = version + 1 WHERE kind = ?`, kind)
	return err
}

// write runs fn in a write transaction and commits it when fn returns nil. The
// commit is durable when write returns (WAL, synchronous=FULL).
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, rollback(tx))
	}
	return tx.Commit()
}

// read runs fn in a read transaction: the statements in fn see one snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// rollback rolls tx back; a transaction that is already done is no error.
func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}

// constraint maps SQLite constraint violations to the store's sentinels: a taken
// key to ErrConflict, a missing referenced row to ErrNotFound. Other errors pass.
func constraint(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return profiles.ErrConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return profiles.ErrNotFound
	}
	return err
}

// timeLayout stores instants as fixed-width UTC text: readable, and sorted as text
// in time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeLayout, s) }

// nonNil returns xs, or an empty slice when xs is nil: lists encode as [] not null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
