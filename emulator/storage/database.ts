import Database from "better-sqlite3";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AttributeMetadata, EntityMetadata, Metadata } from "../metadata/metadata";

/**
 * SQLite storage generated from the metadata. One SQL table per entity, one
 * column per attribute; a lookup is two columns, the id and the target's
 * logical name (polymorphic lookups such as ownerid and regardingobjectid need
 * it). Identifiers come only from the metadata and values only travel as
 * parameters, so no request text ever becomes SQL.
 */

export interface EntityReference {
  readonly logicalName: string;
  readonly id: string;
}

export type StoredValue = string | number | boolean | null | EntityReference;
export type Row = Record<string, StoredValue>;

export function isEntityReference(value: unknown): value is EntityReference {
  return typeof value === "object" && value !== null && "logicalName" in value && "id" in value;
}

export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not a valid identifier: ${name}`);
  return `"${name}"`;
}

export function lookupTypeColumn(lookup: string): string {
  return `${lookup}__type`;
}

function sqlType(attribute: AttributeMetadata): string {
  switch (attribute.kind) {
    case "integer": case "bigint": case "boolean": case "picklist": case "state": case "status": return "INTEGER";
    case "decimal": return "REAL";
    default: return "TEXT";
  }
}

/** Dataverse returns date-times in UTC to the second: "2025-03-01T09:30:00Z". */
export function normaliseDateTime(value: string): string | undefined {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class Store {
  /** The writer: every write, and the reads of the unit of work whose transaction is open. */
  readonly db: Database.Database;
  /** Everyone else reads committed rows only, through this connection (WAL gives it a snapshot). */
  private readonly reader: Database.Database;
  private readonly scratch?: string;
  private readonly writerScope = new AsyncLocalStorage<true>();
  private inTransaction = false;

  /**
   * `file` ":memory:" keeps the data in a private scratch file that is removed
   * on close: a second connection (the committed-only reader) needs a file.
   */
  constructor(readonly metadata: Metadata, file = ":memory:") {
    if (file === ":memory:") {
      this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-store-"));
      file = path.join(this.scratch, "store.db");
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    }
    // Readable by its owner only; SQLite gives the -wal and -shm files the database file's mode.
    fs.closeSync(fs.openSync(file, "a", 0o600));
    fs.chmodSync(file, 0o600);
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = OFF");
    if (this.scratch) this.db.pragma("synchronous = OFF");
    this.createTables();
    this.reader = new Database(file, { readonly: true });
  }

  /**
   * Runs bookkeeping writes (outside any transaction) without waiting for the
   * disk: SQLite's WAL with synchronous=NORMAL still survives a process crash,
   * and the next ordinary commit syncs these frames too. Only a power loss
   * could lose them, and then a system job merely runs again.
   */
  relaxed<T>(work: () => T): T {
    if (this.inTransaction || this.scratch) return work();
    this.db.pragma("synchronous = NORMAL");
    try {
      return work();
    } finally {
      this.db.pragma("synchronous = FULL");
    }
  }

  /** Runs work as the owner of the open transaction: its reads see its own uncommitted writes. */
  asWriter<T>(work: () => T): T {
    return this.writerScope.run(true, work);
  }

  /** The connection a read uses: committed rows only, unless the reader owns the open transaction. */
  private get readDb(): Database.Database {
    return this.inTransaction && this.writerScope.getStore() !== true ? this.reader : this.db;
  }

  private createTables(): void {
    for (const entity of this.metadata.entities) {
      const columns: string[] = [];
      for (const attribute of entity.attributes.values()) {
        const isKey = attribute.logicalName === entity.primaryIdAttribute;
        columns.push(`${quoteIdentifier(attribute.logicalName)} ${sqlType(attribute)}${isKey ? " PRIMARY KEY" : ""}`);
        if (attribute.kind === "lookup") columns.push(`${quoteIdentifier(lookupTypeColumn(attribute.logicalName))} TEXT`);
      }
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${quoteIdentifier(entity.logicalName)} (${columns.join(", ")})`);
      for (const key of entity.keys ?? []) {
        // An alternate key is unique, as Dataverse enforces it; a database made before the key existed keeps working.
        try {
          this.db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdentifier(`uk_${key.name}`)} ON ${quoteIdentifier(entity.logicalName)} (${key.columns.map(quoteIdentifier).join(", ")})`);
        } catch (error) {
          process.stderr.write(`storage.key_not_enforced ${entity.logicalName} ${key.name}: ${(error as Error).message}\n`);
        }
      }
      for (const attribute of entity.attributes.values()) {
        if (attribute.kind === "lookup") {
          this.db.exec(
            `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`ix_${entity.logicalName}_${attribute.logicalName}`)} ON ${quoteIdentifier(entity.logicalName)} (${quoteIdentifier(attribute.logicalName)})`,
          );
        }
      }
    }
    this.db.exec(`CREATE TABLE IF NOT EXISTS "_emulator_sequence" ("name" TEXT PRIMARY KEY, "value" INTEGER NOT NULL)`);
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS "_emulator_businessevent" ("id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "raisedon" TEXT NOT NULL, "parameters" TEXT NOT NULL, "correlationid" TEXT)`,
    );
  }

  /** Next value of a named counter; "version" is the database-wide row version behind etags. */
  nextSequence(name: string): number {
    const row = this.db
      .prepare(`INSERT INTO "_emulator_sequence" ("name", "value") VALUES (?, 1) ON CONFLICT("name") DO UPDATE SET "value" = "value" + 1 RETURNING "value"`)
      .get(name) as { value: number };
    return row.value;
  }

  /** The next value of a table's autonumber column ("ENG-000031"), or undefined when it has none. */
  nextAutoNumber(entity: EntityMetadata): string | undefined {
    if (!entity.autoNumber) return undefined;
    const n = this.nextSequence(`autonumber:${entity.logicalName}`);
    return `${entity.autoNumber.prefix}${String(n).padStart(entity.autoNumber.digits, "0")}`;
  }

  isEmpty(logicalName: string): boolean {
    return this.readDb.prepare(`SELECT 1 FROM ${quoteIdentifier(logicalName)} LIMIT 1`).get() === undefined;
  }

  begin(): void {
    this.db.exec("BEGIN IMMEDIATE");
    this.inTransaction = true;
  }

  commit(): void {
    this.db.exec("COMMIT");
    this.inTransaction = false;
  }

  rollback(): void {
    if (this.inTransaction) this.db.exec("ROLLBACK");
    this.inTransaction = false;
  }

  get transactionOpen(): boolean {
    return this.inTransaction;
  }

  /** Runs fn atomically (synchronously): for seeding and internal bookkeeping. */
  atomically<T>(fn: () => T): T {
    if (this.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  get(entity: EntityMetadata, id: string): Row | undefined {
    const raw = this.readDb
      .prepare(`SELECT * FROM ${quoteIdentifier(entity.logicalName)} WHERE ${quoteIdentifier(entity.primaryIdAttribute)} = ?`)
      .get(id.toLowerCase()) as Record<string, unknown> | undefined;
    return raw ? this.decode(entity, raw) : undefined;
  }

  /** Inserts a complete row (defaults already applied); returns its id. */
  insert(entity: EntityMetadata, row: Row): string {
    const id = typeof row[entity.primaryIdAttribute] === "string" ? (row[entity.primaryIdAttribute] as string).toLowerCase() : randomUUID();
    const full: Row = { ...row, [entity.primaryIdAttribute]: id };
    const encoded = this.encode(entity, full);
    const names = Object.keys(encoded);
    this.db
      .prepare(`INSERT INTO ${quoteIdentifier(entity.logicalName)} (${names.map(quoteIdentifier).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`)
      .run(...names.map((n) => encoded[n]));
    return id;
  }

  update(entity: EntityMetadata, id: string, changes: Row): void {
    const encoded = this.encode(entity, changes);
    const names = Object.keys(encoded).filter((n) => n !== entity.primaryIdAttribute);
    if (names.length === 0) return;
    this.db
      .prepare(`UPDATE ${quoteIdentifier(entity.logicalName)} SET ${names.map((n) => `${quoteIdentifier(n)} = ?`).join(", ")} WHERE ${quoteIdentifier(entity.primaryIdAttribute)} = ?`)
      .run(...names.map((n) => encoded[n]), id.toLowerCase());
  }

  delete(entity: EntityMetadata, id: string): void {
    this.db.prepare(`DELETE FROM ${quoteIdentifier(entity.logicalName)} WHERE ${quoteIdentifier(entity.primaryIdAttribute)} = ?`).run(id.toLowerCase());
  }

  /** Runs a SELECT built by the query engines. */
  select(sql: string, params: readonly unknown[]): Record<string, unknown>[] {
    return this.readDb.prepare(sql).all(...params) as Record<string, unknown>[];
  }

  /** The primary name of a row, for lookup formatted values. */
  primaryName(reference: EntityReference): string | null {
    const entity = this.metadata.entity(reference.logicalName);
    if (!entity?.primaryNameAttribute) return null;
    const raw = this.readDb
      .prepare(`SELECT ${quoteIdentifier(entity.primaryNameAttribute)} AS name FROM ${quoteIdentifier(entity.logicalName)} WHERE ${quoteIdentifier(entity.primaryIdAttribute)} = ?`)
      .get(reference.id) as { name: string | null } | undefined;
    return raw?.name ?? null;
  }

  encode(entity: EntityMetadata, row: Row): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(row)) {
      const attribute = entity.attributes.get(name);
      if (!attribute) throw new Error(`No column ${name} on ${entity.logicalName}`);
      if (attribute.kind === "lookup") {
        const reference = isEntityReference(value) ? value : null;
        out[name] = reference?.id.toLowerCase() ?? null;
        out[lookupTypeColumn(name)] = reference?.logicalName ?? null;
      } else if (typeof value === "boolean") {
        out[name] = value ? 1 : 0;
      } else {
        out[name] = value;
      }
    }
    return out;
  }

  /** A SQLite row (columns named as attributes, optionally with a prefix) back to stored values. */
  decode(entity: EntityMetadata, raw: Record<string, unknown>, prefix = ""): Row {
    const row: Row = {};
    for (const attribute of entity.attributes.values()) {
      const key = prefix + attribute.logicalName;
      if (!(key in raw)) continue;
      const value = raw[key];
      if (attribute.kind === "lookup") {
        const type = raw[prefix + lookupTypeColumn(attribute.logicalName)];
        row[attribute.logicalName] = typeof value === "string" ? { id: value, logicalName: typeof type === "string" ? type : attribute.targets?.[0] ?? "" } : null;
      } else if (attribute.kind === "boolean") {
        row[attribute.logicalName] = value === null || value === undefined ? null : value === 1;
      } else {
        row[attribute.logicalName] = (value ?? null) as StoredValue;
      }
    }
    return row;
  }

  recordBusinessEvent(name: string, parameters: Record<string, unknown>, correlationId: string | null): string {
    const id = randomUUID();
    this.db
      .prepare(`INSERT INTO "_emulator_businessevent" ("id", "name", "raisedon", "parameters", "correlationid") VALUES (?, ?, ?, ?, ?)`)
      .run(id, name, new Date().toISOString(), JSON.stringify(parameters), correlationId);
    return id;
  }

  businessEvents(): { id: string; name: string; raisedOn: string; parameters: Record<string, unknown>; correlationId: string | null }[] {
    const rows = this.readDb.prepare(`SELECT * FROM "_emulator_businessevent" ORDER BY "raisedon", rowid`).all() as {
      id: string; name: string; raisedon: string; parameters: string; correlationid: string | null;
    }[];
    return rows.map((r) => ({ id: r.id, name: r.name, raisedOn: r.raisedon, parameters: JSON.parse(r.parameters) as Record<string, unknown>, correlationId: r.correlationid }));
  }

  /** Empties every table but those kept (the reset before reseeding). */
  clear(keep: ReadonlySet<string> = new Set()): void {
    this.atomically(() => {
      for (const entity of this.metadata.entities) if (!keep.has(entity.logicalName)) this.db.exec(`DELETE FROM ${quoteIdentifier(entity.logicalName)}`);
      this.db.exec(`DELETE FROM "_emulator_businessevent"`);
      // The row version keeps counting, so an etag from before a reset never matches a row after it.
      this.db.exec(`DELETE FROM "_emulator_sequence" WHERE "name" <> 'version'`);
    });
  }

  close(): void {
    this.reader.close();
    this.db.close();
    if (this.scratch) fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}
