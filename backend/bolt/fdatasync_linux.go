package bolt

import (
	"os"

	"golang.org/x/sys/unix"
)

// fdatasync flushes f's data (and the metadata needed to read it back),
// not its timestamps: the same call bbolt makes for its own commits.
func fdatasync(f *os.File) error {
	return unix.Fdatasync(int(f.Fd()))
}
