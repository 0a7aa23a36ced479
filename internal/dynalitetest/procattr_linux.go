package dynalitetest

import "syscall"

// procAttr puts dynalite in its own process group, so Stop kills node and
// anything it spawned without touching the test binary, and asks the kernel
// to kill it if the test binary dies without running its cleanups (a panic
// or `go test -timeout`), so no emulator outlives its test.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
