package tui

import (
	"context"
	"errors"
	"fmt"
)

// Problem classifies why a data source failed, so the status line can say
// what to do about it whatever the adapter behind the interface.
type Problem int

// Problems an adapter distinguishes.
const (
	// ProblemOther is any failure not classified below.
	ProblemOther Problem = iota
	// ProblemUnreachable: the server or endpoint did not answer.
	ProblemUnreachable
	// ProblemUnauthorized: rejected key or expired / missing credentials.
	ProblemUnauthorized
	// ProblemThrottled: the API asked us to slow down.
	ProblemThrottled
	// ProblemNotFound: the named resource (group, table...) does not exist.
	ProblemNotFound
)

func (p Problem) String() string {
	switch p {
	case ProblemUnreachable:
		return "unreachable"
	case ProblemUnauthorized:
		return "unauthorized"
	case ProblemThrottled:
		return "throttled"
	case ProblemNotFound:
		return "not found"
	default:
		return "error"
	}
}

// SourceError is what adapters return: a classified problem, a message for
// the operator that names the fix, and the underlying cause.
type SourceError struct {
	Problem Problem
	Message string
	Err     error
}

func (e *SourceError) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return fmt.Sprintf("%s: %v", e.Message, e.Err)
}

func (e *SourceError) Unwrap() error { return e.Err }

// Errorf builds a SourceError.
func Errorf(p Problem, err error, format string, args ...any) error {
	return &SourceError{Problem: p, Message: fmt.Sprintf(format, args...), Err: err}
}

// ProblemOf returns the classification of err (ProblemOther if unclassified;
// a deadline counts as unreachable).
func ProblemOf(err error) Problem {
	var se *SourceError
	if errors.As(err, &se) {
		return se.Problem
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ProblemUnreachable
	}
	return ProblemOther
}
