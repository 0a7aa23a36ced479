package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// loader is the refresh bookkeeping every view shares: a sequence number so
// only the newest fetch's answer is drawn, the request timeout, and the
// loading / error / freshness state the header and status line show.
// Views embed it for Loading, Err, LastRefresh and Answered.
type loader[T any] struct {
	name    string
	timeout time.Duration
	now     func() time.Time
	log     *slog.Logger

	seq int
	// cancel ends the running fetch's context when a newer one replaces it.
	cancel  context.CancelFunc
	loading bool
	err     error
	// partial: the current answer failed, yet carried part of the data,
	// which the view shows as current.
	partial bool
	// last is the last answer whose data is on screen (a success or a
	// partial one), answered the last answer of any outcome: the header
	// shows the first, auto-refresh counts from the second so a failing
	// source is retried once per interval, not per tick.
	last     time.Time
	answered time.Time
}

// loadedMsg answers one fetch: from and seq let the loader that started it
// recognise its current answer, and every other loader ignore it.
type loadedMsg[T any] struct {
	from *loader[T]
	seq  int
	val  T
	err  error
	at   time.Time
}

func newLoader[T any](cfg Config, name string) *loader[T] {
	return &loader[T]{name: name, timeout: cfg.RequestTimeout, now: cfg.Now, log: cfg.Logger}
}

// Loading is true from start until the current fetch answers.
func (l *loader[T]) Loading() bool { return l.loading }

// Err is the current fetch's error (nil after a success).
func (l *loader[T]) Err() error { return l.err }

// LastRefresh is when the data on screen was fetched: the last fetch that
// succeeded, wholly or in part (zero: never).
func (l *loader[T]) LastRefresh() time.Time { return l.last }

// Partial is true when the current fetch failed but part of its data came
// back and is on screen (some of a view's calls answered).
func (l *loader[T]) Partial() bool { return l.partial }

// keepPartial marks the answer just accepted, although failed, as the data
// on screen: part of it came back.
func (l *loader[T]) keepPartial() {
	l.partial = true
	l.last = l.answered
}

// Answered is when a fetch last answered, successfully or not (zero: never).
func (l *loader[T]) Answered() time.Time { return l.answered }

// fail records an error that needs no fetch (a source that is not configured).
func (l *loader[T]) fail(err error) { l.err = err }

// start begins a fetch that replaces any earlier one: the earlier fetch's
// context is cancelled (no point waiting on it), and its answer, when it
// arrives, is dropped by accept.
func (l *loader[T]) start(fetch func(context.Context) (T, error)) tea.Cmd {
	if l.cancel != nil {
		l.cancel()
	}
	l.seq++
	l.loading = true
	// The timeout runs from now: bubbletea starts a Cmd at once.
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	l.cancel = cancel
	seq, now, timeout, name, log := l.seq, l.now, l.timeout, l.name, l.log
	return func() tea.Msg {
		defer cancel()
		began := time.Now()
		val, err := recovered(ctx, fetch)
		var classified *SourceError
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.As(err, &classified) {
			err = Errorf(ProblemUnreachable, err, "no answer within %s (is the server or AWS endpoint up?); the next refresh retries", timeout)
		}
		logFetch(log, name, seq, time.Since(began), err)
		return loadedMsg[T]{from: l, seq: seq, val: val, err: err, at: now()}
	}
}

// accept reports whether msg is the answer of this loader's current fetch
// and, if so, records its outcome (no longer loading, error, time).
func (l *loader[T]) accept(msg tea.Msg) (loadedMsg[T], bool) {
	m, ok := msg.(loadedMsg[T])
	if !ok || m.from != l || m.seq != l.seq {
		return m, false
	}
	l.loading = false
	l.partial = false
	l.answered = m.at
	if m.err == nil {
		l.last = m.at
	}
	l.err = m.err
	return m, true
}

// due reports whether an automatic refresh should start at now: the view
// refreshes every interval (0 = never) counted from its last answer, and a
// running fetch is left to answer.
func (l *loader[T]) due(now time.Time, interval time.Duration) bool {
	if interval <= 0 || l.loading {
		return false
	}
	return l.answered.IsZero() || now.Sub(l.answered) >= interval
}

// logFetch writes one fetch to the debug log: the view, its duration and
// error, and a panic's full stack.
func logFetch(log *slog.Logger, view string, seq int, took time.Duration, err error) {
	if log == nil {
		return
	}
	if err == nil {
		log.Info("fetch", "view", view, "seq", seq, "duration", took.Round(time.Microsecond).String())
		return
	}
	attrs := []any{"view", view, "seq", seq, "duration", took.Round(time.Microsecond).String(), "problem", ProblemOf(err).String(), "error", err.Error()}
	var p *panicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", string(p.stack))
	}
	log.Error("fetch", attrs...)
}

// recovered runs fetch and turns a panic into an error: tea.Cmds run on the
// program's goroutines, so a panicking data source would otherwise take the
// whole console (and the operator's terminal state) down with it.
func recovered[T any](ctx context.Context, fetch func(context.Context) (T, error)) (val T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			val = zero
			err = Errorf(ProblemOther, &panicError{value: r, stack: debug.Stack()},
				"the data source crashed (a bug: report it with this message); the next refresh retries")
		}
	}()
	return fetch(ctx)
}

// panicError keeps a recovered panic's value and stack for the debug log.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }
