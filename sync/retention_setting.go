package sync

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// KeyLogRetention is how many of the newest runs keep their full log.
const KeyLogRetention = "log.retention_runs"

// defaultLogRetention is the number of runs whose logs are kept when the setting is unset.
const defaultLogRetention = 100

func init() {
	settingDefs[KeyLogRetention] = settingDef{
		def:   strconv.Itoa(defaultLogRetention),
		check: retentionSetting,
		help:  "keep the full log of the newest N runs; older runs keep their counts",
	}
}

func retentionSetting(_ context.Context, _ *Engine, v string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return "", fmt.Errorf("%q is not a positive whole number of runs", v)
	}
	return strconv.Itoa(n), nil
}

// logRetention is the log.retention_runs setting, or its default when the
// stored value cannot be read.
func (e *Engine) logRetention(ctx context.Context) int {
	v, err := e.Setting(ctx, KeyLogRetention)
	if err == nil {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 {
			return n
		}
	}
	return defaultLogRetention
}
