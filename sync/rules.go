package sync

// ruleHelp says, in one sentence per rule of the log, what it means and how
// to fix it in the SIS. The error report's by-cause sheet and the log viewer
// show it beside each entry. A rule added to the engine needs its sentence
// here: TestEveryRuleHasHelp finds every rule the code logs and fails on one
// without.
var ruleHelp = map[string]string{
	// Reading the files.
	"encoding.bom":          "The file starts with an invisible byte-order mark that some spreadsheet programs add; nothing to fix, though exporting as plain UTF-8 CSV from the SIS avoids it.",
	"encoding.crlf":         "The file uses Windows line endings, which RosterDesk reads normally; nothing to fix.",
	"encoding.windows1252":  "The file is not UTF-8, so accented letters were guessed as Windows-1252; set the SIS's OneRoster export to UTF-8 and check the accented names it lists.",
	"header.case":           "Column names differ from the OneRoster spelling only in upper and lower case and were read anyway; ask the SIS vendor to use the exact OneRoster column names, since other tools may not be as forgiving.",
	"header.duplicate":      "A column appears twice in the header and only the first is read; remove the duplicate column from the SIS's export template.",
	"header.extension":      "Extension columns (metadata.* or ext_*) are not part of OneRoster and are ignored; nothing to fix unless you expected RosterDesk to use them.",
	"header.order":          "The columns are not in the OneRoster order but are read by name; nothing to fix.",
	"header.trailing_empty": "The header ends with empty columns, usually left by a spreadsheet program; they are ignored, and re-exporting from the SIS without editing removes them.",
	"header.unknown":        "Columns that OneRoster does not define were ignored; check the listed names for typos in the SIS's export template, since a misspelled required column would also be missing.",
	"encoding.utf16":        "The file is UTF-16 text (what Excel saves as Unicode Text) and was decoded; nothing to fix, though exporting CSV UTF-8 from the SIS, or saving as CSV UTF-8 in Excel, avoids it.",
	"csv.delimiter":         "The file separates its columns with semicolons or tabs, as Excel does in many locales, and was read by its header; export CSV with commas from the SIS, or save as CSV UTF-8 (comma delimited) in Excel.",
	"csv.quote":             "The row's quotes are malformed (a quote inside an unquoted field, or one never closed), so the row was skipped; fix the quoting of that record's values in the SIS (often a name or title containing a double quote) and export again.",
	"csv.field_count":       "The row has fewer fields than the header, so the row was skipped; look for a missing comma or a value cut short in that record in the SIS export.",
	"csv.extra_fields":      "The row has more fields than the header and the extra ones were ignored; usually an unquoted comma inside a value, so check that record's names and titles in the SIS.",
	"csv.line_break":        "A value holds a line break, which OneRoster does not allow, and was kept as written; remove the line break from that record's field in the SIS.",

	// The package and its manifest.
	"manifest.missing":            "The source has no manifest.csv, so RosterDesk assumed every file it found is a complete (bulk) file; export the full OneRoster package from the SIS, which includes the manifest.",
	"manifest.bad_row":            "A row of manifest.csv has no value and was ignored; nothing to fix unless the SIS vendor's manifest is expected to list it.",
	"manifest.duplicate_property": "manifest.csv gives the same property twice and the first was used; ask the SIS vendor to correct the manifest.",
	"manifest.version":            "manifest.csv names a OneRoster version other than 1.1 or 1.2, so the version was detected from the headers; set the SIS's OneRoster export to version 1.1 or 1.2.",
	"manifest.version_missing":    "manifest.csv does not say which OneRoster version the files are, so it was detected from the headers; nothing to fix unless the detected version is wrong.",
	"manifest.unknown_property":   "manifest.csv has a property that names no OneRoster file and it was ignored; nothing to fix.",
	"manifest.value_case":         "A manifest value differs from bulk, delta or absent only in case and was read anyway; nothing to fix.",
	"manifest.bad_value":          "A manifest value is not bulk, delta or absent, so that file was treated as absent and nothing in it changed; correct the manifest in the SIS's export settings.",
	"manifest.file_missing":       "manifest.csv declares a file that is not in the package, so nothing in it changed; export the package again from the SIS and check that every file is included.",
	"manifest.file_unexpected":    "A file is in the package but manifest.csv declares it absent, so it was ignored; check the SIS export settings for that file.",
	"manifest.file_undeclared":    "A file is in the package but manifest.csv does not mention it, so it was ignored; check the SIS export settings for that file.",
	"package.folder":              "The zip keeps its files in a folder rather than at its top level, and they were read from there; nothing to fix.",
	"version.1_0":                 "This is a OneRoster 1.0 export, which RosterDesk reads only where a file already has every OneRoster 1.1 column; set the SIS's export to OneRoster 1.1 or 1.2.",
	"package.unknown_file":        "A file in the package is not a OneRoster file name and was ignored; nothing to fix unless it held roster data under another name.",
	"package.file_name_case":      "A file name differs from the OneRoster name only in case and was read anyway; ask the SIS vendor to use the exact OneRoster file names.",
	"package.file_name":           "The file did not have a OneRoster name and was recognised from its header; nothing to fix, though naming it users.csv or courses.csv avoids the guess.",
	"file.header_only":            "The file has a header but no rows, so nothing in it changed and nobody was deactivated for being absent from it; if it should hold records, check the SIS export's filters.",
	"file.no_usable_rows":         "No row of the file could be used, so nothing was deactivated or removed for being absent from it; fix the errors listed for that file first.",
	"file.damaged":                "Rows of the file could not be told apart (a broken quote, or a row whose sourcedId cannot be read), so nothing was deactivated or removed for being absent from it; fix the rows listed for that file in the SIS and export again.",
	"file.unusable":               "The file cannot be used (a required column is missing, say, or it is not CSV), so a sync that needs it changes nothing; read the message and fix the file's export in the SIS.",
	"file.unused_unusable":        "A file RosterDesk does not import cannot be read, which stops no sync; nothing to fix unless another tool needs that file.",
	"bundle.lacking":              "The bundle lacks what a wider sync needs, so such a sync of it would be refused; add the missing files or columns to the SIS's export if you sync more than this.",
	"source.unusable":             "The source could not be used at all and nothing was changed; read the message, fix the export in the SIS (or the connection) and run again.",

	// Fields of a row.
	"required.missing":    "A field OneRoster requires is empty, so the record was skipped; fill in that field for the record in the SIS.",
	"bulk.status_filled":  "A complete (bulk) file should leave status blank, and a filled status was read as active; nothing to fix unless the SIS vendor's export is meant to follow the spec exactly.",
	"enum.case":           "A value differs from the OneRoster spelling only in case and was read anyway; nothing to fix.",
	"enum.invalid":        "A field holds a value OneRoster does not allow, so the record was skipped; correct the value in the SIS (the message lists the allowed ones).",
	"status.legacy":       "The status uses an older word (inactive or deleted) that OneRoster 1.1 replaced with tobedeleted and was read as tobedeleted; nothing to fix unless the record should be active.",
	"bool.case":           "A true/false value differs from the OneRoster spelling only in case and was read anyway; nothing to fix.",
	"bool.word":           "A true/false value is written as yes/no, y/n or 1/0 and was read as true or false; nothing to fix, though OneRoster writes true or false.",
	"bool.invalid":        "A field that must be true or false holds something else, so the record was skipped; correct it in the SIS.",
	"excel.number":        "A long number (an identifier) is shown in Excel's scientific notation, so its last digits are lost; export the file again from the SIS, or import the column as Text in Excel before saving it as CSV UTF-8.",
	"excel.zeros":         "Numbers in the column lost their leading zeros, as happens when Excel opens and saves a CSV file; export the file again from the SIS, or import the column as Text in Excel before saving it as CSV UTF-8.",
	"date.invalid":        "A date is not written as YYYY-MM-DD (or a date-time as OneRoster's), so the record was skipped or the date ignored; correct the date in the SIS.",
	"date.time_dropped":   "A date field holds a date and time, and only the date was kept; nothing to fix.",
	"grade.ceds":          "A grade was read as the CEDS grade code shown (a grade name or an unpadded number, say); if your district means something else by it, set it in Preferences › Grade level matrix, or use the CEDS codes in the SIS.",
	"year.invalid":        "A school year is not a four-digit year, so the record was skipped; correct the school year in the SIS.",
	"list.empty_item":     "A list of sourcedIds has an empty item (two commas in a row, say), which was dropped; nothing to fix unless an id is missing there.",
	"id.invisible":        "An identifier holds a character that cannot be seen (a byte-order mark, a zero-width space, a right-to-left override) or a control character; it would make a twin of a real record, so the row was skipped and that record kept as it is; fix the identifier in the SIS.",
	"id.spaces":           "An identifier had spaces before or after it; they were trimmed, and removing them in the SIS lets every system read the same identifier.",
	"sourcedId.duplicate": "Two rows have the same sourcedId and only the first was used; merge or renumber the duplicate record in the SIS.",

	// References between records.
	"ref.missing":          "The record refers to another record (a school, course, class, term, user or role) that is neither in this pull nor in the roster, so it was skipped or the reference dropped; check that the referred record is exported by the SIS and not filtered out.",
	"ref.rejected":         "The record refers to a record that was itself skipped for an error, so it was skipped too; fix the referred record's error first and this one follows.",
	"ref.tobedeleted":      "The record refers to a course, class or user that the same pull marks tobedeleted and that is not in the roster, so it was skipped; remove the record from the export in the SIS, or make the referred record active.",
	"ref.not_school":       "The record's school refers to an org that is not a school (a district, say), so it was skipped; set the record's school to a school in the SIS.",
	"ref.skipped_user":     "The enrollment is for a guardian or parent, whom RosterDesk does not import, and was ignored; nothing to fix.",
	"role.unknown":         "A delta file names a user RosterDesk does not have without a roles.csv row giving their role, so the user was skipped; export roles.csv with the delta, or run a full (bulk) export.",
	"enrollment.duplicate": "Two enrollments put the same person in the same class with the same role, and both were kept (the class lists the person once); remove the duplicate enrollment in the SIS.",
	"role.mismatch":        "A user is a student in users.csv but enrolled as a teacher, and the enrollment kept teacher; check the user's role or the enrollment in the SIS.",
	"school.not_aligned":   "The record's school has no aligned building in RosterDesk, so the record was ignored (a record already in the roster keeps its state); if the school should be synced, give its building the school's sourcedId as SIS id (OneRoster tab, building alignment), otherwise nothing to fix.",
	"school.none":          "A student belongs to no school and was ignored; give the student a school in the SIS.",

	// Decisions of the run.
	"record.protected":   "A protected (never deactivate) record would have been deactivated or removed and was kept; if it really left, remove its protection in RosterDesk.",
	"bulk.tobedeleted":   "A complete (bulk) file marks the record tobedeleted, so it was not imported or was deactivated; nothing to fix if the record really left.",
	"building.changed":   "While OneRoster is enabled, a school's building followed orgs.csv in this sync: added for a new school, renamed, reactivated, or deactivated for a school gone from the complete orgs.csv (its users are then ignored, not deactivated); check with the SIS if a school should not have closed.",
	"buildings.stepped":  "While OneRoster is enabled, buildings are brought in step with orgs.csv before each sync; nothing to fix, but check the counts if they are unexpected.",
	"district.recorded":  "The district org was recorded; nothing to fix.",
	"users.keep_missing": "Users absent from users.csv were kept active because the setting to mark missing users inactive is off; nothing to fix.",
	"guard.held":         "The run would change more records than the safeguards allow, so it was held for review and nothing was applied; check the numbers with the SIS before approving, and contact SIS support if the drop is unexpected.",
	"plan.changed":       "The roster changed between the preview and applying, so the run was planned again; nothing to fix.",
	"run.cancelled":      "The run was cancelled before it finished and nothing was applied; nothing to fix.",
	"rollback.done":      "A run was undone and the roster restored to before it; nothing to fix.",

	// REST pulls.
	"pull.repulled":     "A full pull was not consistent (its own enrollments or classes named records it did not send, because the data changed on the server while it was read or a page was lost), so it was pulled again once; nothing to fix unless it happens every time.",
	"pull.inconsistent": "This pull's own enrollments or classes name the record but the pull did not send it, so it was kept as the roster has it, not deactivated; sync again later, and contact SIS support if the same records keep missing.",
	"rest.pulled":       "A collection was read from the SIS's API before the pull stopped; nothing to fix.",
	"rest.failed":       "The pull from the SIS's API failed and nothing was applied; read the message and try again, and contact SIS support if it persists.",
	"rest.incomplete":   "The API sent fewer records than it said it had, so nothing was applied and nobody was deactivated; run again later, and contact SIS support if it keeps happening.",
	"rest.page_cap":     "The API kept sending pages past RosterDesk's limit, so nothing was applied; contact SIS support, since the server may be repeating pages.",
	"rest.dns":          "The SIS's server name does not resolve; check the base URL in the connection and the network.",
	"rest.tls":          "The secure connection to the SIS's server failed (its certificate); check the base URL, and contact SIS support if the certificate is wrong.",
	"rest.connect":      "The SIS's server refused or dropped the connection; check the base URL and the network, and try again later.",
	"rest.timeout":      "The SIS's server did not answer in time; try again later, and contact SIS support if it keeps happening.",
	"rest.unauthorized": "The SIS refused the client id and secret; check them in the connection, or ask SIS support for new ones.",
	"rest.forbidden":    "The SIS accepted the credentials but refused the data (a missing scope or permission); ask SIS support to grant roster read access to this client.",
	"rest.not_found":    "The SIS answered 404, usually a wrong base URL; check the base URL in the connection against the SIS's OneRoster documentation.",
	"rest.bad_request":  "The SIS did not accept the query; contact SIS support with the message, since the server may not support a OneRoster filter.",
	"rest.rate_limited": "The SIS kept asking RosterDesk to slow down until the retries ran out; run again later or at a quieter hour.",
	"rest.server":       "The SIS's server kept failing (HTTP 5xx) until the retries ran out; try again later, and contact SIS support if it persists.",
	"rest.http":         "The SIS answered with an unexpected HTTP status; contact SIS support with the message.",
	"rest.bad_response": "The SIS answered with something that is not OneRoster data (a login or gateway page, say); check the base URL, and contact SIS support if it is right.",
	"rest.clock_skew":   "The SIS refused the OAuth 1 signature because this computer's clock and the server's differ; set this computer's clock to the correct time.",
	"rest.token":        "The SIS's token endpoint refused or failed; check the token URL, client id and secret, and contact SIS support if they are right.",
}

// RuleHelp is the sentence for a rule of the log: what it means and how to
// fix it in the SIS. Empty for an unknown rule.
func RuleHelp(rule string) string { return ruleHelp[rule] }
