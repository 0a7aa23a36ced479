package backend

import (
	"errors"
	"fmt"
)

// Error codes. They name what went wrong in terms a caller can act on; the
// HTTP layer maps each to a status code.
const (
	EINVALID      = "invalid"                // the request is malformed (400)
	EUNAUTHORIZED = "unauthorized"           // missing or wrong API key (401)
	ENOTFOUND     = "not_found"              // no such document or route (404)
	EMETHOD       = "method"                 // method not allowed on the route (405)
	ECONFLICT     = "conflict"               // the ID already exists (409)
	ETOOLARGE     = "too_large"              // the upload exceeds the limit (413)
	EKEYREUSED    = "idempotency_key_reused" // same Idempotency-Key, other content (422)
	EUNSUPPORTED  = "unsupported"            // not multipart/form-data (415)
	EUNAVAILABLE  = "unavailable"            // the store cannot be reached; retry (503)
	EINTERNAL     = "internal"               // a bug or an unexpected failure (500)
)

// Error is an application error with a machine-readable code and a message
// safe to show to the client. Wrap it with fmt.Errorf("...: %w", err) to add
// context for logs; ErrorCode and ErrorMessage still find it.
type Error struct {
	Code    string
	Message string
	// Err is the underlying cause, for logs only; never sent to clients.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("docmeta error: code=%s message=%s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("docmeta error: code=%s message=%s", e.Code, e.Message)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the given code and message whose cause is
// err (kept for logs, never shown to clients).
func WrapError(code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of the first *Error in err's
// chain, and a generic message for any other error so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
