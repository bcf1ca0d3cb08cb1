//go:build !windows

package instance

import (
	"errors"
	"syscall"
)

// processAlive tells whether a process with this id exists on this machine.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
