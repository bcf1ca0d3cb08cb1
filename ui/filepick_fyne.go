//go:build !windows && !darwin

package ui

// nativePick shows the system's own dialog (Explorer's on Windows, Finder's
// on macOS; filepick_native.go). Nil where there is none: Fyne's is used.
// It blocks until the admin chooses, so it runs off the UI goroutine.
var nativePick func(req pickRequest) (string, error)
