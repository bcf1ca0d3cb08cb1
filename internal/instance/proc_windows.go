//go:build windows

package instance

import "os"

// processAlive tells whether a process with this id exists on this machine
// (on Windows, FindProcess opens the process and fails when there is none).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
