package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	// Op is the API call that failed ("elasticloadbalancing:DescribeTargetHealth"),
	// when one did: the header names it when the rest of a view answered.
	Op      string
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

// CallErrorf builds a SourceError for a failed call to op; the message
// names op itself.
func CallErrorf(op string, p Problem, err error, format string, args ...any) error {
	return &SourceError{Problem: p, Op: op, Message: fmt.Sprintf(format, args...), Err: err}
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

// JoinErrors returns nil for none, a single failure as it is (its
// classification and fix read best alone), and several joined under the
// first one's classification, so a source that fetched part of its data
// can report every call that failed.
func JoinErrors(errs ...error) error {
	var failed callErrors
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return failed[0]
	}
	return Errorf(ProblemOf(failed[0]), failed, "%d calls failed", len(failed))
}

// callErrors are the failures JoinErrors joined, one per call, in the
// order the source made the calls.
type callErrors []error

func (e callErrors) Error() string   { return errors.Join(e...).Error() }
func (e callErrors) Unwrap() []error { return e }

// failures lists the failures behind err: each call JoinErrors joined, or
// err alone.
func failures(err error) []error {
	var se *SourceError
	if errors.As(err, &se) {
		if joined, ok := se.Err.(callErrors); ok {
			return joined
		}
	}
	return []error{err}
}

// failedCalls names the calls behind err by operation ("DescribeTargetHealth,
// DescribeInstances"), or counts them ("2 calls") when one is not a named
// API call.
func failedCalls(err error) string {
	all := failures(err)
	names := make([]string, 0, len(all))
	for _, f := range all {
		var se *SourceError
		if !errors.As(f, &se) || se.Op == "" {
			return countCalls(len(all))
		}
		names = append(names, se.Op[strings.LastIndex(se.Op, ":")+1:])
	}
	return strings.Join(names, ", ")
}

// countCalls is "1 call" or "n calls".
func countCalls(n int) string {
	if n == 1 {
		return "1 call"
	}
	return fmt.Sprintf("%d calls", n)
}
