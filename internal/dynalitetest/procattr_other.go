//go:build !linux

package dynalitetest

import "syscall"

// procAttr puts dynalite in its own process group, so Stop kills node and
// anything it spawned without touching the test binary.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
