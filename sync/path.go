package sync

// Path is the roster file the engine has open, as it was given to Open.
func (e *Engine) Path() string { return e.db.Path }
