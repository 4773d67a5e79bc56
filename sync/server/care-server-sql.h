/* care-server-sql.h: the SQL both co-op stores run (SQLite and PostgreSQL).
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A rule lives once: what a device receives (the scopes) and the derived
 * tables the rules and the scopes read (visits, reviews, assignments, ...)
 * are written here once, in the SQL both databases understand. Parameters
 * are ?N; the PostgreSQL store sends them as $N. Both know json_extract
 * (body, '$.name') (PostgreSQL: a function its first migration creates) and
 * least () (SQLite: a function the store registers). Text compares as bytes
 * in both (PostgreSQL's columns are COLLATE "C").
 */
#pragma once

/* The client and carer of a visit, a scheduled visit, a review. */
#define CARE_SQL_VISIT "SELECT client, carer FROM visits WHERE visit = ?1"
#define CARE_SQL_SCHEDULE "SELECT client, carer FROM schedules WHERE schedule = ?1"
#define CARE_SQL_REVIEW "SELECT client, carer FROM reviews WHERE review = ?1"

/* The roster types, the only records the stores index by client (their
 * events_client_roster): a client's latest client.set, client.readership
 * and schedule.set (client_records, care_server_core_client_records_sql).
 * Written as comparisons: SQLite evaluates "type IN (...)" in an index's
 * condition with a temporary table at every insert. The query writes the
 * condition out, so that the planner can use the partial index. */
#define CARE_SQL_ROSTER_TYPES "(type = 'client.set' OR type = 'client.readership' OR type = 'schedule.set')"
#define CARE_SQL_CLIENT_RECORDS \
  "SELECT body FROM events WHERE client = ?1 AND type = ?2 ORDER BY hlc DESC, device DESC, seq DESC"
#define CARE_SQL_CLIENT_ROSTER \
  "SELECT body FROM events WHERE client = ?1 AND type = ?2 AND " CARE_SQL_ROSTER_TYPES \
  " ORDER BY hlc DESC, device DESC, seq DESC"

/* ---- the derived tables (care_server_core_apply) ---- */

#define CARE_SQL_VISIT_ADD \
  "INSERT INTO visits (visit, client, carer) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"
/* A carer's first visit to a client: the family circle's scope grew (it
 * receives the carer's name), so its cursors are no longer valid. The
 * first query says whether the visit just added is its carer's first with
 * its client (a row: it is); only then is the circle looked for, so that
 * the common case reads one index entry (the bump's list of the circle is
 * a temporary table, 5% of storing a record when it ran for every visit). */
#define CARE_SQL_VISIT_FIRST_OF_PAIR \
  "SELECT v.client, v.carer FROM visits v WHERE v.visit = ?1 AND NOT EXISTS" \
  " (SELECT 1 FROM visits o WHERE o.client = v.client AND o.carer = v.carer AND o.visit <> v.visit)"
#define CARE_SQL_VISIT_BUMP_FAMILY \
  "UPDATE members SET scope_version = scope_version + 1 WHERE role = 'family'" \
  " AND member IN (SELECT carer FROM assignments WHERE client = ?1 AND active = 1)"
#define CARE_SQL_REVIEW_ADD \
  "INSERT INTO reviews (review, visit, client, carer, action) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"
/* A member who becomes a co-ordinator is in every carer's scope from now
 * on, records from before included: their cursors start again. */
#define CARE_SQL_MEMBER_BUMP_CARERS \
  "UPDATE members SET scope_version = scope_version + 1 WHERE role = 'carer'" \
  " AND EXISTS (SELECT 1 FROM members WHERE member = ?1 AND role = 'carer')"
#define CARE_SQL_MEMBER_SET \
  "INSERT INTO members (member, name, role, active) VALUES (?1, ?2, ?3, ?4)" \
  " ON CONFLICT (member) DO UPDATE SET name = excluded.name, role = excluded.role, active = excluded.active"
#define CARE_SQL_CLIENT_SET \
  "INSERT INTO clients (client, name, address, active) VALUES (?1, ?2, ?3, ?4)" \
  " ON CONFLICT (client) DO UPDATE SET name = excluded.name, address = excluded.address, active = excluded.active"
#define CARE_SQL_ASSIGNMENT_SET \
  "INSERT INTO assignments (client, carer, active) VALUES (?1, ?2, ?3)" \
  " ON CONFLICT (client, carer) DO UPDATE SET active = excluded.active"
/* The carer's scope grew, and so did that of the carers she now shares the
 * client with (they receive her name). */
#define CARE_SQL_ASSIGNMENT_BUMP \
  "UPDATE members SET scope_version = scope_version + 1 WHERE member = ?1" \
  " OR member IN (SELECT carer FROM assignments WHERE client = ?2 AND active = 1)"
#define CARE_SQL_READERSHIP_CLEAR "DELETE FROM readership WHERE client = ?1"
#define CARE_SQL_READERSHIP_ADD "INSERT INTO readership (client, category, readers) VALUES (?1, ?2, ?3)"
#define CARE_SQL_READERSHIP_BUMP \
  "UPDATE members SET scope_version = scope_version + 1" \
  " WHERE member IN (SELECT carer FROM assignments WHERE client = ?1)"
#define CARE_SQL_SCHEDULE_SET \
  "INSERT INTO schedules (schedule, client, carer) VALUES (?1, ?2, ?3)" \
  " ON CONFLICT (schedule) DO UPDATE SET client = excluded.client, carer = excluded.carer"

/* ---- pull: what a device receives (care_server_core_scope) ---- */

/* No echo: a device is never sent its own records (?4); it has them, and
 * learns when they reached the co-op from the push answer's "q". Tested
 * first: after a large push the records since the cursor are mostly the
 * device's own, and the scope's terms are dearer. */
#define CARE_SQL_NOT_OWN " AND device <> ?4"
/* What a pull page says of each record, whatever the scope (the stores
 * read these columns by position). */
#define CARE_SQL_PULL_SELECT "SELECT pos, id, device, seq, author, hlc, wall, type, body, received, link FROM events"
/* Where a pull starts (?1 the cursor's position, ?4 the device): past the
 * device's own records when the cursor is inside the run of positions that
 * are all its own (devices.own_from < pos <= own_to, kept by
 * CARE_SQL_OWN_RANGE), so that the pull after a large push does not read
 * every record it sent to find that none is for it. */
#define CARE_SQL_PULL_FROM \
  " pos > (SELECT CASE WHEN d.own_from <= ?1 AND ?1 < d.own_to THEN d.own_to ELSE ?1 END" \
  "        FROM devices d WHERE d.device = ?4)"
#define CARE_SQL_PULL_ALL \
  CARE_SQL_PULL_SELECT " WHERE" CARE_SQL_PULL_FROM CARE_SQL_NOT_OWN " ORDER BY pos LIMIT ?2"
/* Who may read a note record (note.added, and the corrections and
 * withdrawals of it): the readers its note.added says, "team" when it says
 * none (care_note_readers), narrowed to the client's standing choice for
 * the note's category when there is one (care_readers_effective: the
 * narrower of the two, co-ordinators < team < family); NULL when the co-op
 * has no such note. */
#define CARE_SQL_READERS_WIDTH(x) " CASE " x " WHEN 'coordinators' THEN 0 WHEN 'team' THEN 1 ELSE 2 END"
#define CARE_SQL_NOTE_READERS \
  " (SELECT CASE least (" CARE_SQL_READERS_WIDTH ("coalesce (json_extract (n.body, '$.readers'), 'team')") "," \
  "   coalesce ((SELECT" CARE_SQL_READERS_WIDTH ("r.readers") " FROM readership r WHERE r.client = events.client" \
  "              AND r.category = json_extract (n.body, '$.category')), 2))" \
  "   WHEN 0 THEN 'coordinators' WHEN 1 THEN 'team' ELSE 'family' END FROM events n" \
  "   WHERE n.subject = events.subject AND n.type = 'note.added'" \
  "   AND json_extract (n.body, '$.note') = json_extract (events.body, '$.note'))"
/* The members a carer works with (docs/privacy.md): herself, the co-op's
 * co-ordinators (supervisors and administrators, by their current role or
 * the record's), and the carers assigned to a client she is assigned to.
 * Not the rest of the co-op, and never a family member. */
#define CARE_SQL_CARER_COCARERS \
  " (SELECT a2.carer FROM assignments a1 JOIN assignments a2 ON a2.client = a1.client AND a2.active = 1" \
  "   JOIN members m ON m.member = a2.carer AND m.role = 'carer'" \
  "   WHERE a1.carer = ?3 AND a1.active = 1)"
#define CARE_SQL_CARER_MEMBERS \
  " (type = 'member.set' AND (carer = ?3" \
  "   OR json_extract (body, '$.role') IN ('supervisor', 'administrator')" \
  "   OR carer IN (SELECT member FROM members WHERE role IN ('supervisor', 'administrator'))" \
  "   OR carer IN" CARE_SQL_CARER_COCARERS "))"
#define CARE_SQL_CARER_SCOPE \
  " (author = ?3 OR" CARE_SQL_CARER_MEMBERS \
  " OR (type IN ('client.set', 'careplan.set', 'schedule.set', 'client.readership')" \
  "     AND client IN (SELECT client FROM assignments WHERE carer = ?3 AND active = 1))" \
  " OR (type IN ('assignment.set', 'review.added', 'schedule.set') AND carer = ?3)" \
  " OR (type IN ('note.added', 'note.amended', 'note.retracted') AND carer = ?3" \
  "     AND" CARE_SQL_NOTE_READERS " IN ('team', 'family'))" \
  " OR (type = 'refusal.resolved' AND carer = ?3))"
/* A family member's circle (kept with the assignments, see
 * care_server_core_apply ()). */
#define CARE_SQL_FAMILY_CLIENTS " (SELECT client FROM assignments WHERE carer = ?3 AND active = 1)"
#define CARE_SQL_FAMILY_SCOPE \
  " (author = ?3 OR (type IN ('circle.set', 'refusal.resolved') AND carer = ?3)" \
  " OR (type IN ('client.set', 'careplan.set', 'client.readership', 'visit.started', 'task.answered'," \
  "              'visit.finished'," \
  "              'visit.amended', 'visit.cancelled', 'visit.verified', 'dispute.answered')" \
  "     AND client IN" CARE_SQL_FAMILY_CLIENTS ")" \
  " OR (type IN ('note.added', 'note.amended', 'note.retracted') AND client IN" CARE_SQL_FAMILY_CLIENTS \
  "     AND" CARE_SQL_NOTE_READERS " = 'family')" \
  " OR (type = 'member.set' AND carer IN (SELECT carer FROM visits WHERE client IN" CARE_SQL_FAMILY_CLIENTS ")))"
#define CARE_SQL_PULL_FAMILY \
  CARE_SQL_PULL_SELECT " WHERE" CARE_SQL_PULL_FROM CARE_SQL_NOT_OWN " AND" CARE_SQL_FAMILY_SCOPE " ORDER BY pos LIMIT ?2"
#define CARE_SQL_PULL_CARER \
  CARE_SQL_PULL_SELECT " WHERE" CARE_SQL_PULL_FROM CARE_SQL_NOT_OWN " AND" CARE_SQL_CARER_SCOPE " ORDER BY pos LIMIT ?2"
/* After a push stored a device's records with sequences in (?2, ?3]: when
 * their positions are one unbroken run (no other device's record, no
 * co-op record between them), the device's run of own positions becomes
 * it, or grows by it when it follows on. */
#define CARE_SQL_OWN_RANGE \
  "UPDATE devices SET own_from = CASE WHEN own_to = r.lo - 1 THEN own_from ELSE r.lo - 1 END, own_to = r.hi" \
  " FROM (SELECT count(*) AS n, min(pos) AS lo, max(pos) AS hi FROM events" \
  "       WHERE device = ?1 AND seq > ?2 AND seq <= ?3) AS r" \
  " WHERE devices.device = ?1 AND r.n > 0 AND r.n = r.hi - r.lo + 1"
/* What a device has still to pull (device list): ?1 where its latest page
 * ended. */
#define CARE_SQL_PENDING_FAMILY "SELECT count(*) FROM events WHERE pos > ?1" CARE_SQL_NOT_OWN " AND" CARE_SQL_FAMILY_SCOPE
#define CARE_SQL_PENDING_CARER "SELECT count(*) FROM events WHERE pos > ?1" CARE_SQL_NOT_OWN " AND" CARE_SQL_CARER_SCOPE
#define CARE_SQL_PENDING_ALL "SELECT count(*) FROM events WHERE pos > ?1" CARE_SQL_NOT_OWN

/* Everything about one client (export-client): its roster records and
 * every record of its visits, in the co-op's order. */
#define CARE_SQL_EXPORT_CLIENT \
  "SELECT id, device, seq, author, hlc, wall, type, body, received FROM events" \
  " WHERE client = ?1 OR json_extract (body, '$.visit') IN (SELECT visit FROM visits WHERE client = ?1)" \
  " ORDER BY pos"
