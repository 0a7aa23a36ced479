package dynamo

import (
	"fmt"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/awsfault"
)

// classify turns an SDK error into a backend.Error: EINTERNAL when
// DynamoDB rejected the request itself (a malformed request is our bug),
// EUNAVAILABLE for everything else, so the server answers 503 with
// Retry-After. That includes credential and permission failures (an
// expired or missing role is an outage of this instance's access, not the
// client's mistake) and a missing table (deleted or not yet created). The
// SDK error is kept as the cause for logs; clients see only the generic
// message.
func classify(op string, err error) error {
	cause := fmt.Errorf("dynamodb store: %s: %w", op, err)
	if awsfault.Classify(err) == awsfault.Other {
		return backend.WrapError(backend.EINTERNAL, "internal error", cause)
	}
	return backend.WrapError(backend.EUNAVAILABLE, "the document store is unavailable; retry later", cause)
}
