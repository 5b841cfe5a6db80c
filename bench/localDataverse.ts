import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { addDays, calendarForTimeZone, dayToIso } from "../domain";
import { runFetchXml } from "../emulator/fetchxml/fetchXml";
import { loadMetadata } from "../emulator/metadata/metadata";
import { startOfDayUtc } from "../emulator/query/dates";
import { random } from "../emulator/seed/demoData";
import { ensureFoundation, FOUNDATION } from "../emulator/seed/foundation";
import { Store } from "../emulator/storage/database";
import { AttendanceValues, ClosureReasonValues, StageValues } from "../solution/generated/dataverse";
import { SUPERVISOR_VIEWS } from "../solution/views";
import type { Figure, Section } from "./report";
import { median, round, timeInterleaved } from "./stats";

/**
 * The local Dataverse at caseload scale: 100,000 engagements (each with its
 * contact) and 600,000 sessions seeded into the emulator's own SQLite tables,
 * then every supervisor view run through the emulator's FetchXML engine
 * against the same query written by hand on a raw better-sqlite3 connection
 * to the same file.
 *
 * Seeding goes straight into the tables the emulator's Store generates from
 * the schema, with one prepared INSERT per table inside one transaction: the
 * Store's per-row insert (and the Web API above it) would run the pipeline
 * and prepare a statement per row, which is not what a bulk load measures.
 */

const TIME_ZONE = "Europe/London";
const PAGE = 5000;

export interface LocalDataverseBenchOptions {
  readonly engagements: number;
  readonly sessionsPerEngagement: number;
  readonly runs: number;
}


const guid = (kind: number, n: number): string => {
  const hex = n.toString(16).padStart(12, "0");
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${hex}`;
};
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const DAY = 86_400_000;

interface Seeded {
  readonly rows: number;
  readonly milliseconds: number;
}

export function seed(store: Store, options: LocalDataverseBenchOptions, now: Date): Seeded {
  const db = store.db;
  const next = random(20260302);
  const workers = Array.from({ length: 20 }, (_, i) => (i === 0 ? FOUNDATION.adminUserId : guid(0x5e5e, i)));
  const bu = FOUNDATION.businessUnitId;
  const stamp = iso(now.getTime());
  let version = 1;

  const insertUser = db.prepare(
    `INSERT INTO "systemuser" ("systemuserid","firstname","lastname","fullname","isdisabled","businessunitid","businessunitid__type","createdon","modifiedon","versionnumber")
     VALUES (?,?,?,?,0,?,'businessunit',?,?,?)`,
  );
  const insertContact = db.prepare(
    `INSERT INTO "contact" ("contactid","firstname","lastname","fullname","statecode","statuscode","ownerid","ownerid__type","owningbusinessunit","owningbusinessunit__type","createdon","modifiedon","versionnumber")
     VALUES (?,?,?,?,0,1,?,'systemuser',?,'businessunit',?,?,?)`,
  );
  const insertEngagement = db.prepare(
    `INSERT INTO "sprx_engagement" ("sprx_engagementid","sprx_name","statecode","statuscode","sprx_contactid","sprx_contactid__type","ownerid","ownerid__type","owningbusinessunit","owningbusinessunit__type",
       "sprx_referraldate","sprx_stage","sprx_plannedsessions","sprx_sessionsattended","sprx_sessionsdna","sprx_sessionsbooked","sprx_consecutivedna",
       "sprx_firstsessionon","sprx_lastsessionon","sprx_nextsessionon","sprx_windowstart","sprx_windowend","sprx_beyondplan","sprx_conversationsuggested",
       "sprx_checklistcomplete","sprx_checksdone","sprx_closurereason","sprx_closedon","sprx_extensionapproved","createdon","modifiedon","versionnumber")
     VALUES (?,?,?,?,?,'contact',?,'systemuser',?,'businessunit',?,?,6,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?,?)`,
  );
  const insertSession = db.prepare(
    `INSERT INTO "appointment" ("activityid","subject","statecode","statuscode","scheduledstart","scheduledend","regardingobjectid","regardingobjectid__type",
       "sprx_sessionnumber","sprx_attendance","ownerid","ownerid__type","owningbusinessunit","owningbusinessunit__type","createdon","modifiedon","versionnumber")
     VALUES (?,?,?,?,?,?,?,'sprx_engagement',?,?,?,'systemuser',?,'businessunit',?,?,?)`,
  );
  const reasons = Object.values(ClosureReasonValues);
  const stages = [StageValues.establishing, StageValues.reviewing, StageValues.buildingIndependence, StageValues.closing];

  const started = performance.now();
  let rows = 0;
  db.transaction(() => {
    for (let w = 1; w < workers.length; w++) {
      insertUser.run(workers[w], "Link", `Worker ${w}`, `Link Worker ${w}`, bu, stamp, stamp, version++);
      rows++;
    }
    for (let i = 0; i < options.engagements; i++) {
      const contactId = guid(0xc0c0, i);
      const owner = workers[i % workers.length];
      insertContact.run(contactId, "Person", `Number ${i}`, `Person Number ${i}`, owner, bu, stamp, stamp, version++);
      const engagementId = guid(0xe0e0, i);
      const referral = now.getTime() - Math.floor(next() * 730) * DAY;
      const closed = next() < 0.3;
      const firstSession = referral + 14 * DAY;
      let attended = 0;
      let dna = 0;
      let consecutive = 0;
      let last: number | null = null;
      let nextSession: number | null = null;
      for (let s = 0; s < options.sessionsPerEngagement; s++) {
        const start = firstSession + s * 14 * DAY + 10 * 3_600_000;
        const past = start < now.getTime();
        const roll = next();
        const attendance = !past ? AttendanceValues.planned : roll < 0.8 ? AttendanceValues.attended : roll < 0.93 ? AttendanceValues.didNotAttend : AttendanceValues.cancelledByPerson;
        if (attendance === AttendanceValues.attended) { attended++; consecutive = 0; last = start; }
        if (attendance === AttendanceValues.didNotAttend) { dna++; consecutive++; }
        if (!past && nextSession === null && !closed) nextSession = start;
        insertSession.run(guid(0xa0a0, i * options.sessionsPerEngagement + s), `Session ${s + 1}`, past ? 1 : 3, past ? 3 : 5, iso(start), iso(start + 3_600_000),
          engagementId, s + 1, attendance, owner, bu, stamp, stamp, version++);
        rows++;
      }
      const windowEnd = dayToIso(Math.floor((firstSession + 112 * DAY) / DAY) as Parameters<typeof dayToIso>[0]);
      const closedOn = closed ? Math.min(now.getTime(), (last ?? firstSession) + 7 * DAY) : null;
      insertEngagement.run(
        engagementId, `ENG-${String(i).padStart(6, "0")}`, closed ? 1 : 0, closed ? 2 : 1, contactId, owner, bu,
        dayToIso(Math.floor(referral / DAY) as Parameters<typeof dayToIso>[0]), closed ? StageValues.closed : stages[Math.min(3, Math.floor(attended / 2))],
        attended, dna, options.sessionsPerEngagement, consecutive,
        iso(firstSession + 10 * 3_600_000), last === null ? null : iso(last), nextSession === null ? null : iso(nextSession),
        dayToIso(Math.floor(firstSession / DAY) as Parameters<typeof dayToIso>[0]), windowEnd,
        next() < 0.03 ? 1 : 0, consecutive >= 2 || next() < 0.05 ? 1 : 0, next() < 0.1 ? 1 : 0, Math.floor(next() * 8),
        closed ? reasons[Math.floor(next() * reasons.length)] : null, closedOn === null ? null : iso(closedOn), stamp, stamp, version++,
      );
      rows += 2;
    }
  })();
  return { rows, milliseconds: performance.now() - started };
}

/**
 * Each shipped view written by hand as SQL over the same tables: the columns
 * its layout shows, its filter and its order, with the id as the tie-break
 * and one row more than a page, as a paging client asks.
 */
function handWrittenQueries(now: Date): Map<string, { sql: string; params: unknown[] }> {
  const calendar = calendarForTimeZone(TIME_ZONE);
  const today = calendar.dayOf(now);
  const olderThanDays = (n: number) => startOfDayUtc(addDays(today, -n), TIME_ZONE);
  const quarter = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3, 1));
  const quarterStart = startOfDayUtc(calendar.dayOf(new Date(quarter.getTime() + 12 * 3_600_000)), TIME_ZONE);
  const quarterEnd = startOfDayUtc(calendar.dayOf(new Date(Date.UTC(quarter.getUTCFullYear(), quarter.getUTCMonth() + 3, 1, 12))), TIME_ZONE);
  const L = PAGE + 1;
  const q = (sql: string, ...params: unknown[]) => ({ sql, params: [...params, L] });
  return new Map([
    ["05bd048a-ccb5-49b3-9670-7b48c960ee91", q(
      `SELECT versionnumber, sprx_engagementid, sprx_name, sprx_contactid, sprx_contactid__type, sprx_stage, sprx_sessionsattended, sprx_plannedsessions, sprx_lastsessionon, sprx_nextsessionon, sprx_windowend
         FROM sprx_engagement WHERE statecode = 0 AND ownerid = ? ORDER BY sprx_nextsessionon, sprx_engagementid LIMIT ?`, FOUNDATION.adminUserId)],
    ["a7f52c44-c670-4964-9f31-50a32cd20afa", q(
      `SELECT versionnumber, sprx_engagementid, ownerid, ownerid__type, sprx_name, sprx_contactid, sprx_contactid__type, sprx_stage, sprx_sessionsattended, sprx_nextsessionon, sprx_windowend
         FROM sprx_engagement WHERE statecode = 0 AND owningbusinessunit = ? ORDER BY ownerid, sprx_nextsessionon, sprx_engagementid LIMIT ?`, FOUNDATION.businessUnitId)],
    ["1b0c5fe6-5a89-481a-b8da-38f50bc4d69b", q(
      `SELECT versionnumber, sprx_engagementid, sprx_name, sprx_contactid, sprx_contactid__type, ownerid, ownerid__type, sprx_stage, sprx_referraldate, sprx_lastsessionon, sprx_consecutivedna
         FROM sprx_engagement WHERE statecode = 0 AND sprx_nextsessionon IS NULL
           AND (sprx_lastsessionon < ? OR (sprx_lastsessionon IS NULL AND sprx_referraldate < ?))
         ORDER BY sprx_lastsessionon, sprx_engagementid LIMIT ?`, olderThanDays(21), dayToIso(addDays(today, -21)))],
    ["5d157e8b-f1d0-413b-ba5d-d59255150f45", q(
      `SELECT versionnumber, sprx_engagementid, sprx_name, sprx_contactid, sprx_contactid__type, ownerid, ownerid__type, sprx_stage, sprx_windowstart, sprx_windowend, sprx_sessionsattended, sprx_extensionapproved
         FROM sprx_engagement WHERE statecode = 0 AND sprx_windowend < ? ORDER BY sprx_windowend, sprx_engagementid LIMIT ?`, dayToIso(addDays(today, -1)))],
    ["b4f575a5-0f76-4989-9d82-a597ecbde69f", q(
      `SELECT versionnumber, sprx_engagementid, sprx_name, sprx_contactid, sprx_contactid__type, ownerid, ownerid__type, sprx_sessionsbooked, sprx_plannedsessions, sprx_extensionrequests, sprx_nextsessionon
         FROM sprx_engagement WHERE statecode = 0 AND sprx_beyondplan = 1 ORDER BY sprx_sessionsbooked DESC, sprx_engagementid LIMIT ?`)],
    ["82574562-1fd8-457d-9ed8-8da61dce7058", q(
      `SELECT versionnumber, sprx_engagementid, sprx_name, sprx_contactid, sprx_contactid__type, ownerid, ownerid__type, sprx_stage, sprx_sessionsattended, sprx_checksdone, sprx_lastsessionon
         FROM sprx_engagement WHERE statecode = 0 AND sprx_checklistcomplete = 1 ORDER BY sprx_lastsessionon, sprx_engagementid LIMIT ?`)],
    ["79f078de-1bff-4fe1-959b-87485985f5ad", q(
      `SELECT versionnumber, sprx_engagementid, sprx_name, sprx_contactid, sprx_contactid__type, ownerid, ownerid__type, sprx_stage, sprx_conversationsignals, sprx_consecutivedna, sprx_nextsessionon
         FROM sprx_engagement WHERE statecode = 0 AND sprx_conversationsuggested = 1 ORDER BY sprx_consecutivedna DESC, sprx_engagementid LIMIT ?`)],
    ["16807c46-ec72-425d-b264-455fae6a7801", q(
      `SELECT versionnumber, sprx_engagementid, sprx_name, sprx_contactid, sprx_contactid__type, ownerid, ownerid__type, sprx_closedon, sprx_closurereason, sprx_sessionsattended, sprx_ons4satisfiedchange, sprx_uclachange
         FROM sprx_engagement WHERE statecode = 1 AND sprx_closedon >= ? AND sprx_closedon < ? ORDER BY sprx_closedon DESC, sprx_engagementid LIMIT ?`, quarterStart, quarterEnd)],
    ["7785ab86-4165-4831-bcb6-e9304c7d130e", q(
      `SELECT versionnumber, sprx_engagementid, sprx_name, sprx_contactid, sprx_contactid__type, ownerid, ownerid__type, sprx_closedon, sprx_sessionsattended, sprx_sessionsdna, sprx_referralsource
         FROM sprx_engagement WHERE statecode = 1 AND sprx_closurereason = ? ORDER BY sprx_closedon DESC, sprx_engagementid LIMIT ?`, ClosureReasonValues.disengaged)],
  ]);
}

export interface ViewTiming {
  readonly view: string;
  readonly rows: number;
  readonly engineMs: number;
  readonly engineWithJsonMs: number;
  readonly rawSqlMs: number;
}

export function benchLocalDataverse(options: LocalDataverseBenchOptions): Section {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-bench-"));
  const file = path.join(folder, "bench.db");
  const now = new Date();
  const store = new Store(loadMetadata(), file);
  let raw: Database.Database | undefined;
  try {
    ensureFoundation(store);
    const seeded = seed(store, options, now);
    store.db.pragma("wal_checkpoint(TRUNCATE)");
    store.db.exec("ANALYZE");
    raw = new Database(file, { readonly: true });
    const hand = handWrittenQueries(now);
    const context = { dates: { now, timeZone: TIME_ZONE, fiscalYearStartMonth: 1 }, userId: FOUNDATION.adminUserId, businessUnitId: FOUNDATION.businessUnitId };
    const annotations = { formatted: false, lookups: false };

    const timings: ViewTiming[] = SUPERVISOR_VIEWS.map((view) => {
      const query = hand.get(view.savedQueryId);
      if (!query) throw new Error(`No hand-written query for the view ${view.name}`);
      const statement = raw!.prepare(query.sql);
      const engineRows = runFetchXml(store, view.fetchXml, context).rows.length;
      const handRows = Math.min(PAGE, statement.all(...query.params).length);
      // Both sides must answer the same question, or the ratio means nothing.
      if (engineRows !== handRows) throw new Error(`The view ${view.name} returned ${engineRows} rows but its hand-written SQL ${handRows}`);
      const [engine, engineWithJson, rawSql] = timeInterleaved(options.runs, 2, [
        () => void runFetchXml(store, view.fetchXml, context),
        () => {
          const result = runFetchXml(store, view.fetchXml, context);
          for (const row of result.rows) result.toJson(row, annotations);
        },
        () => void statement.all(...query.params),
      ]);
      const [engineMs, engineWithJsonMs, rawSqlMs] = [median(engine), median(engineWithJson), median(rawSql)];
      return { view: view.name, rows: engineRows, engineMs, engineWithJsonMs, rawSqlMs };
    });

    const figures: Figure[] = [
      {
        area: "Local Dataverse",
        figure: `Seed ${options.engagements.toLocaleString("en-GB")} engagements + contacts, ${(options.engagements * options.sessionsPerEngagement).toLocaleString("en-GB")} sessions`,
        value: `${(seeded.milliseconds / 1000).toFixed(1)} s`,
        comparedWith: `${Math.round(seeded.rows / (seeded.milliseconds / 1000)).toLocaleString("en-GB")} rows/s`,
      },
      ...timings.map((t): Figure => {
        const ratio = t.engineMs / t.rawSqlMs;
        return {
          area: "Supervisor view",
          figure: `${t.view} (${t.rows} rows)`,
          value: `${t.engineMs.toFixed(1)} ms; as Web API JSON ${t.engineWithJsonMs.toFixed(1)} ms (${(t.engineWithJsonMs / t.rawSqlMs).toFixed(1)}×)`,
          comparedWith: `raw SQLite ${t.rawSqlMs.toFixed(1)} ms`,
          ratio,
          target: "≤ 3×",
          met: ratio <= 3,
        };
      }),
    ];
    return {
      name: "localDataverse",
      figures,
      data: { seeded: { ...seeded, rowsPerSecond: round(seeded.rows / (seeded.milliseconds / 1000), 0), insertMethod: "prepared INSERT per table into the Store's generated tables, one transaction" }, views: timings },
      method:
        "Seeded straight into the emulator's generated SQLite tables (one prepared INSERT per table, one transaction) on a temporary file database; " +
        "each view's FetchXML through the emulator's FetchXML engine (parse, check against the metadata, translate, run; the ratio), and the same with every row shaped as Web API JSON (shown beside it), against the same query written by hand on a raw read-only better-sqlite3 connection to the same file (median of runs, first page of 5,000).",
    };
  } finally {
    raw?.close();
    store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
