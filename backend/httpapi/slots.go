package httpapi

import (
	"sync/atomic"

	"github.com/docmeta/docmeta/backend"
)

// uploadSlots counts the uploads being received, so that their memory (the
// parser's buffers, about 85 KiB each) stays bounded whatever the clients
// do.
type uploadSlots struct {
	max int64
	n   atomic.Int64
}

// tryAcquire takes a slot if one is free; the caller must release it.
func (s *uploadSlots) tryAcquire() bool {
	if s.n.Add(1) > s.max {
		s.n.Add(-1)
		return false
	}
	return true
}

func (s *uploadSlots) release() { s.n.Add(-1) }

// full reports whether no slot is free now; admit uses it to refuse an
// upload from its head (and before 100 Continue).
func (s *uploadSlots) full() bool { return s.n.Load() >= s.max }

// busyError is the 503 for an upload refused for want of a slot.
func (a *API) busyError() error {
	return backend.Errorf(backend.EUNAVAILABLE, "the server is receiving its maximum of %d uploads at once; retry after the Retry-After delay", a.cfg.MaxConcurrentUploads)
}
