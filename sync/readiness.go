package sync

import "errors"

// Why a sync or an edit cannot go ahead yet, for errors.Is on the
// *RefusedError (ErrNoSource too).
var (
	// ErrBuildingsFirst: users are linked to their buildings, so a building
	// sync must have succeeded once before users are synchronized.
	ErrBuildingsFirst = errors.New("synchronize buildings first")
	// ErrUsersFirst: Sync now waits for the initial user synchronization.
	ErrUsersFirst = errors.New("the initial user synchronization has not succeeded")
	// ErrOneRosterOn: buildings and users come from OneRoster while it is
	// enabled, so they are not edited by hand.
	ErrOneRosterOn = errors.New("OneRoster is enabled")
)

// UsersReady says why a users sync (the OneRoster screen's, an upload's)
// cannot start yet: nil when it can, else a *RefusedError wrapping
// ErrBuildingsFirst, in the admin's words.
func (s *SyncState) UsersReady() error {
	if !s.BuildingsSynced {
		return &RefusedError{Err: ErrBuildingsFirst, Reason: "Synchronize buildings first: users are linked to their buildings, " +
			"so a building sync must succeed once before users can be synchronized."}
	}
	return nil
}

// SyncNowReady says why Sync now (the OneRoster screen's, the tray's) cannot
// start yet: nil when it can, else a *RefusedError wrapping ErrUsersFirst.
// What it reads is ManualSource's rule.
func (s *SyncState) SyncNowReady() error {
	if !s.UsersSynced {
		return &RefusedError{Err: ErrUsersFirst, Reason: "Sync now is available once the initial user synchronization has succeeded."}
	}
	return nil
}

// BuildingsEditable tells whether buildings may be added, or their SIS ids
// corrected, by hand: not while OneRoster is enabled (ErrOneRosterOn).
func (s *SyncState) BuildingsEditable() bool { return !s.Enabled }

// EnableNeedsReview tells whether turning OneRoster on must first show the
// admin how the roster's buildings line up with the source's schools: the
// roster has buildings, which OneRoster takes over.
func (s *SyncState) EnableNeedsReview() bool { return s.Buildings > 0 }

// HasSource tells whether the OneRoster screen's syncs have something to
// read: the REST provider, set up, when the connection is one; else the
// connected bundle.
func (s *SyncState) HasSource() bool {
	if s.Connection == SourceProvider {
		return s.RESTProvider != ""
	}
	return s.Source != ""
}

// ErrRosterNotEmpty refuses loading the sample district into a roster that
// holds data: the sample never mixes with a district's own.
var ErrRosterNotEmpty = errors.New("the roster is not empty")

// Empty tells whether the roster holds no building, user or course, active
// or not: a first run (the welcome screen), and the only roster the sample
// district loads into.
func (rc *RosterCounts) Empty() bool {
	return rc.Buildings.Active+rc.Buildings.Inactive+rc.Users.Active+rc.Users.Inactive+rc.Courses.Active+rc.Courses.Removed == 0
}
