//go:build !linux

package bolt

import "os"

// fdatasync is fsync where the platform has no fdatasync; bbolt does the
// same for its own commits there.
func fdatasync(f *os.File) error {
	return f.Sync()
}
