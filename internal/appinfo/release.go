//go:build release

package appinfo

// release is true in builds made with `-tags release` (the package targets).
const release = true
