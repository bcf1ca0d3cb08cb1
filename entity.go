package rosterdesk

// Entity names a kind of roster record, as it appears in audits and logs.
type Entity string

const (
	EntityBuilding   Entity = "building"
	EntityUser       Entity = "user"
	EntitySession    Entity = "academicSession"
	EntityCourse     Entity = "course"
	EntityClass      Entity = "class"
	EntityAssignment Entity = "assignment"
)
