package httpapi

import (
	"net/http"
	"testing"

	"github.com/docmeta/docmeta/backend"
)

// TestStatusOfEveryCode pins the status of each backend error code, as
// backend/error.go documents it; an unknown code is a 500.
func TestStatusOfEveryCode(t *testing.T) {
	for code, want := range map[string]int{
		backend.EINVALID: http.StatusBadRequest, backend.EUNAUTHORIZED: http.StatusUnauthorized,
		backend.ENOTFOUND: http.StatusNotFound, backend.EMETHOD: http.StatusMethodNotAllowed,
		backend.ECONFLICT: http.StatusConflict, backend.ETOOLARGE: http.StatusRequestEntityTooLarge,
		backend.EKEYREUSED: http.StatusUnprocessableEntity, backend.EUNSUPPORTED: http.StatusUnsupportedMediaType,
		backend.EUNAVAILABLE: http.StatusServiceUnavailable, backend.EINTERNAL: http.StatusInternalServerError,
		"no-such-code": http.StatusInternalServerError,
	} {
		if got := statusOf(code); got != want {
			t.Errorf("statusOf(%q) = %d, want %d", code, got, want)
		}
	}
}
