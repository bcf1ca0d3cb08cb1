-- What teachers may edit in a course created by OneRoster (a district preference).
ALTER TABLE courses ADD COLUMN teacher_permission TEXT NOT NULL DEFAULT 'units_lessons';

-- New courses take the preference of the moment; changing it updates the existing ones (engine).
CREATE TRIGGER courses_teacher_permission AFTER INSERT ON courses
WHEN NEW.created_run IS NOT NULL
BEGIN
	UPDATE courses SET teacher_permission = coalesce(
		(SELECT value FROM settings WHERE key = 'courses.teacher_permission'), 'units_lessons')
	WHERE id = NEW.id;
END;
