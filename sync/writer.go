package sync

import (
	"context"
	"fmt"
	"strings"
	gosync "sync"
	"sync/atomic"

	"rosterdesk"
	"rosterdesk/data"
)

// writer writes planned changes into the run's transaction as they come, on
// its own goroutine, so reading the CSV files and writing SQLite use both cores.
type writer struct {
	tx    *data.Tx
	plan  *Plan
	runID int64
	admin int64
	ctx   context.Context
	done  int

	wroteBuildings bool

	queue   chan []queued
	pending []queued         // changes the planner made since the last hand-over
	free    chan []queued    // handed-over slices the writer is done with, for reuse
	failedF atomic.Bool      // set with err: the planner checks it every change without the lock
	batch   []data.NewRecord // adds waiting to be inserted together
	batchT  *data.Table
	links   [][2]int64 // buildings of the users in batch: user id, building id
	// nextUser is the id the next batched user gets (what SQLite would give
	// it), so its buildings are linked without reading it back; 0 until read.
	nextUser int64
	// changes are the writes to stored records (pre-images, updates,
	// deactivations, their audit), run in order a few thousand at a time. They
	// touch no record an add in batch writes, so the two queues need no order
	// between them.
	changes *data.Writes
	lastT   *data.Table // the table of the last change written
	wg      gosync.WaitGroup
	mu      gosync.Mutex
	err     error
}

// writeBatch is how many adds the writer hands to one InsertMany: one cgo
// call binds and writes them all (prepared once per call, 64 rows a statement).
const writeBatch = 2048

// handBatch is how many planned changes the planner hands the writer at a
// time: one channel send per change woke the other goroutine a million times.
const handBatch = 512

// changeBatch is how many statements of changes to stored records the writer
// queues before running them.
const changeBatch = 4096

type queued struct {
	ep   *EntityPlan
	c    Change
	hash uint64 // an active add's data.Hash(c.Vals), worked out on the planner's goroutine
}

func (w *writer) start() {
	w.queue = make(chan []queued, 16)
	w.free = make(chan []queued, 18)
	w.changes = w.tx.NewWrites()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for qs := range w.queue {
			for i := range qs {
				if w.failedF.Load() {
					break // drain
				}
				if err := w.write(qs[i].ep, &qs[i].c, qs[i].hash); err != nil {
					w.fail(err)
				}
			}
			clear(qs) // drop the references before the slice is reused
			select {
			case w.free <- qs[:0]:
			default:
			}
		}
		if err := w.flush(); err != nil {
			w.fail(err)
		}
		if w.changes != nil && !w.failedF.Load() {
			if err := w.changes.Finish(); err != nil {
				w.fail(err)
			}
		}
	}()
}

// flushChanges runs the queued changes to stored records.
func (w *writer) flushChanges() error {
	if w.changes == nil {
		return nil
	}
	return w.changes.Flush()
}

func (w *writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
		w.failedF.Store(true)
	}
	w.mu.Unlock()
}

// flush inserts the adds waiting in the batch and their buildings' links.
func (w *writer) flush() error {
	return w.flushAdds(false)
}

// maxLinks bounds the links a writer keeps back (16 bytes each).
const maxLinks = 1 << 21

// flushAdds inserts the adds waiting in the batch. The links of new users to
// their buildings are kept back while more users may follow (more) and
// inserted in one go when the users end. Inserted batch by batch, they
// touched the pages of the user_buildings_building index all over again,
// some after SQLite had spilled them to the WAL, and a page written twice in
// one transaction makes COMMIT reread and checksum the whole WAL (0.3 s of a
// first sync's commit).
func (w *writer) flushAdds(more bool) error {
	var err error
	if len(w.batch) > 0 {
		err = w.tx.InsertMany(w.batchT, w.batch, w.runID)
		w.batch = w.batch[:0]
	}
	if err == nil && len(w.links) > 0 && (!more || len(w.links) >= maxLinks) {
		if err = w.tx.AddUserBuildings(w.links); err != nil {
			err = fmt.Errorf("user buildings: %w", err)
		}
		w.links = w.links[:0]
	}
	return err
}

// enqueue hands a change to the writing goroutine, in batches of handBatch;
// it reports an earlier write's error.
func (w *writer) enqueue(ep *EntityPlan, c Change) error {
	if w.failedF.Load() {
		return w.failed()
	}
	if w.pending == nil {
		select {
		case w.pending = <-w.free:
		default:
			w.pending = make([]queued, 0, handBatch)
		}
	}
	// The writer's goroutine is the busier one in a first sync: the
	// fingerprint of a new record's values is made here.
	var h uint64
	if c.Action == ActAdd && c.Active {
		h = data.Hash(c.Vals)
	}
	w.pending = append(w.pending, queued{ep, c, h})
	if len(w.pending) == handBatch {
		w.queue <- w.pending
		w.pending = nil
	}
	return nil
}

func (w *writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// finish waits for every queued change to be written.
func (w *writer) finish() error {
	if w.queue != nil {
		if len(w.pending) > 0 {
			w.queue <- w.pending
		}
		w.pending = nil
		close(w.queue)
		w.wg.Wait()
		w.queue = nil
	}
	return w.failed()
}

func (w *writer) audit(ent rosterdesk.Entity, id string, action Action, field string, old, nw *string, reason string) error {
	return w.tx.AddAudit(rosterdesk.Audit{RunID: w.runID, Entity: ent, SourcedID: id, Action: action.String(), Field: field, Old: old, New: nw, Reason: reason, AdminID: w.admin})
}

func strp(s string) *string { return &s }

// buildings writes a building sync's changes and the orgs it saw, once.
func (w *writer) buildings() error {
	if w.wroteBuildings {
		return nil
	}
	w.wroteBuildings = true
	for _, c := range w.plan.Buildings {
		if c.Action != ActAdd {
			if err := w.tx.Snapshot(w.runID, "buildings", c.BuildingID); err != nil {
				return err
			}
		}
		switch c.Action {
		case ActAdd:
			id, err := w.tx.InsertBuilding(c.Name, c.SISID, w.runID)
			if err != nil {
				return err
			}
			w.plan.buildingIDs[c.SISID] = id
			continue
		case ActDeactivate:
			if err := w.tx.UpdateBuilding(c.BuildingID, c.Name, c.Aligned, false); err != nil {
				return err
			}
			if err := w.audit(rosterdesk.EntityBuilding, c.SISID, c.Action, "active", strp("true"), strp("false"), c.Reason); err != nil {
				return err
			}
			continue
		}
		if err := w.tx.UpdateBuilding(c.BuildingID, c.Name, true, true); err != nil {
			return err
		}
		if c.Action == ActReactivate {
			if err := w.audit(rosterdesk.EntityBuilding, c.SISID, c.Action, "active", strp("false"), strp("true"), c.Reason); err != nil {
				return err
			}
		}
		if !c.Aligned {
			if err := w.audit(rosterdesk.EntityBuilding, c.SISID, c.Action, "aligned", strp("false"), strp("true"), c.Reason); err != nil {
				return err
			}
		}
		if c.OldName != c.Name {
			if err := w.audit(rosterdesk.EntityBuilding, c.SISID, c.Action, "name", strp(c.OldName), strp(c.Name), c.Reason); err != nil {
				return err
			}
		}
	}
	for _, o := range w.plan.Orgs {
		if err := w.tx.Snapshot(w.runID, "orgs", o.SourcedID); err != nil {
			return err
		}
		if err := w.tx.PutOrg(o); err != nil {
			return err
		}
	}
	for _, id := range w.plan.OrgsGone {
		if err := w.tx.Snapshot(w.runID, "orgs", id); err != nil {
			return err
		}
		if err := w.tx.SetOrgActive(id, false); err != nil {
			return err
		}
	}
	return nil
}

// write applies one planned change to a record of ep's table.
func (w *writer) write(ep *EntityPlan, c *Change, hash uint64) error {
	t := ep.Table
	w.done++
	if applyHook != nil {
		applyHook(w.done)
	}
	if w.done%5000 == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	if w.lastT != t && w.lastT != nil {
		// The previous table's writes are done before this one's begin: pages
		// of one table are then not touched again after SQLite spilled them
		// to the WAL for the next one's (a page written twice in one
		// transaction makes COMMIT reread and checksum the WAL from there).
		if err := w.flushAdds(t == data.Users); err != nil {
			return err
		}
		if err := w.flushChanges(); err != nil {
			return err
		}
	}
	w.lastT = t
	if c.Action == ActAdd && c.Active {
		// Insert it with the next ones; a user's id is named here, for its buildings.
		if w.batchT != t {
			if err := w.flushAdds(t == data.Users); err != nil {
				return err
			}
			w.batchT = t
		}
		rec := data.NewRecord{SourcedID: c.SourcedID, Vals: c.Vals, Active: true, Hash: hash, HasHash: true}
		if t == data.Users {
			if w.nextUser == 0 {
				var err error
				if w.nextUser, err = w.tx.NextID(data.Users); err != nil {
					return err
				}
			}
			rec.ID = w.nextUser
			w.nextUser++
			for _, b := range w.buildingIDs(field(c.Vals, t.Col("org_ids"))) {
				w.links = append(w.links, [2]int64{rec.ID, b})
			}
		}
		w.batch = append(w.batch, rec)
		if len(w.batch) == writeBatch {
			return w.flushAdds(true)
		}
		return nil
	}
	id := c.ID
	if c.Action == ActAdd {
		// An inactive add: SQLite names its id, after the batched adds (the
		// links kept back are new users', which no other change touches).
		if err := w.flushAdds(true); err != nil {
			return err
		}
		if err := w.flushChanges(); err != nil {
			return err
		}
		// An add is recorded on the record itself (created_run), not in the audit.
		var err error
		if id, err = w.tx.Insert(t, c.SourcedID, c.Vals, c.Active, w.runID); err != nil {
			return err
		}
		if t == data.Users && w.nextUser != 0 {
			w.nextUser = id + 1
		}
	} else {
		// A change to a stored record: its pre-image, the change and its audit
		// are queued; they touch nothing the batched adds write.
		ch := w.changes
		if err := ch.Snapshot(w.runID, t.Name, id); err != nil {
			return err
		}
		if c.Vals != "" {
			if err := ch.Update(t, id, c.Vals, c.Old()); err != nil {
				return err
			}
			w.fieldAudits(t, c, ep.Reason(c))
		}
		if c.Action == ActDeactivate || c.Action == ActReactivate {
			active := c.Action == ActReactivate
			ch.SetActive(t, id, active)
			old, nw := "true", "false"
			if active {
				old, nw = nw, old
			}
			w.queueAudit(t.Entity, c.SourcedID, c.Action, "active", &old, &nw, ep.Reason(c))
		}
	}
	if t == data.Users && c.Vals != "" {
		if c.Action != ActAdd {
			w.changes.SnapshotLinks(w.runID, id)
		}
		orgs := strings.Split(c.Vals, Sep)[t.Col("org_ids")]
		w.changes.SetUserBuildings(id, w.buildingIDs(orgs), c.Action == ActAdd, "user "+c.SourcedID+" buildings")
	}
	if w.changes.Len() >= changeBatch || c.Action == ActAdd {
		return w.flushChanges()
	}
	return nil
}

// queueAudit queues an audit entry with the changes.
func (w *writer) queueAudit(ent rosterdesk.Entity, id string, action Action, field string, old, nw *string, reason string) {
	w.changes.AddAudit(rosterdesk.Audit{RunID: w.runID, Entity: ent, SourcedID: id, Action: action.String(), Field: field, Old: old, New: nw, Reason: reason, AdminID: w.admin})
}

func (w *writer) fieldAudits(t *data.Table, c *Change, reason string) {
	nv := strings.Split(c.Vals, Sep)
	ov := strings.Split(c.Old(), Sep)
	for i, col := range t.Cols {
		if i < len(ov) && i < len(nv) && ov[i] != nv[i] {
			w.queueAudit(t.Entity, c.SourcedID, c.Action, col, &ov[i], &nv[i], reason)
		}
	}
}

func (w *writer) buildingIDs(orgs string) []int64 {
	if orgs == "" {
		return nil
	}
	var ids []int64
	for _, o := range strings.Split(orgs, ",") {
		if id := w.plan.buildingIDs[o]; id != 0 {
			ids = append(ids, id)
		}
	}
	return ids
}
