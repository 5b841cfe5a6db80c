import { randomUUID } from "node:crypto";
import type { EntityMetadata, Metadata } from "../metadata/metadata";
import type { Pipeline } from "../pipeline/pipeline";
import { type OrganizationInfo, remoteExecutionContext } from "../pipeline/remoteContext";
import { type RegisteredStep, firesFor } from "../pipeline/registeredSteps";
import { type EntityReference, type Row, type Store, isEntityReference } from "../storage/database";
import { DataverseFault, faults } from "./faults";
import { etagOf } from "./payload";
import { asText } from "../storage/text";
import { MAX_UNIT_MS, limitFaults } from "../guard";

/**
 * Create, Update and Delete with the event pipeline around them. One request
 * (or one `$batch` change set) is one unit of work: PreValidation steps run
 * before its transaction opens, PreOperation and PostOperation steps inside
 * it, and a failure anywhere rolls back every write of the unit. Async steps
 * are queued only after commit. Writes are serialised by an async lock, since
 * steps answer over HTTP while the transaction is open.
 */

const EMPTY_GUID = "00000000-0000-0000-0000-000000000000";

/** Dataverse stops a pipeline deeper than this. */
export const MAX_DEPTH = 8;

/** Security checks around each write (emulator/security); none means every caller may do everything. */
export interface SecurityHooks {
  beforeCreate(userId: string, entity: EntityMetadata, row: Row, given: Row): void;
  beforeUpdate(userId: string, entity: EntityMetadata, before: Row, changes: Row): void;
  beforeDelete(userId: string, entity: EntityMetadata, row: Row): void;
  businessUnitOf(owner: EntityReference): string | undefined;
  /** Moves the children of a parental relationship to the row's new owner. */
  cascadeAssign?(table: string, id: string, owner: Row): void;
}

export interface Caller {
  readonly userId: string;
  readonly correlationId: string;
  /** Depth of the operation: 1 for a user's request, +1 for each step calling back. */
  readonly depth: number;
  /** Custom logic the request bypasses (MSCRM.BypassCustomPluginExecution / BypassBusinessLogicExecution). */
  readonly bypass?: { readonly sync: boolean; readonly async: boolean };
}

class AsyncLock {
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

export class OrganizationService {
  private readonly lock = new AsyncLock();
  /** The unit holding the lock, so a step calling back with its correlation joins it instead of waiting on itself. */
  private current?: UnitOfWork;
  pipeline?: Pipeline;
  security?: SecurityHooks;

  constructor(readonly store: Store, readonly metadata: Metadata, readonly organization: OrganizationInfo) {}

  readonly withWriteLock = <T>(work: () => T | Promise<T>): Promise<T> => this.lock.run(work);

  retrieve(entity: EntityMetadata, id: string): Row {
    const row = this.store.get(entity, id);
    if (!row) throw faults.recordNotFound(entity.logicalName, id);
    return row;
  }

  /** The clock behind OperationCreatedOn (a test clock in tests). */
  clock: () => Date = () => new Date();

  /**
   * Runs work as one atomic unit: all its writes commit together or none do.
   * Only a synchronous step's own call back joins the unit holding the lock:
   * its correlation id is one this Dataverse minted for the operation and
   * sent to that step alone (a caller's own header never becomes an
   * operation's correlation, see WebApi.caller), and the unit must be
   * waiting on a synchronous step at that moment.
   */
  async unit<T>(caller: Caller, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    if (caller.depth > MAX_DEPTH) throw faults.infiniteLoop(caller.depth);
    const joined = this.current;
    if (joined && joined.awaitingSync > 0 && joined.correlationId === caller.correlationId) {
      return this.store.asWriter(() => work(joined.nested(caller)));
    }
    return this.lock.run(async () => {
      const unit = new UnitOfWork(this, caller, undefined, Date.now() + MAX_UNIT_MS);
      this.current = unit;
      try {
        const result = await this.store.asWriter(() => work(unit));
        unit.checkDeadline();
        unit.commit();
        // The async operations were written in the transaction; now that it committed they may run.
        if (unit.queued > 0) this.pipeline?.wake();
        return result;
      } catch (error) {
        unit.rollback();
        throw error;
      } finally {
        this.current = undefined;
      }
    });
  }
}

export class UnitOfWork {
  private begun = false;
  /** Async operations written in this unit's transaction. */
  queued = 0;
  /** Synchronous steps being delivered now (their call backs may join). */
  awaitingSync = 0;

  constructor(private readonly service: OrganizationService, private readonly caller: Caller, private readonly parent?: UnitOfWork, private readonly deadline = Infinity) {}

  /** A unit may not hold the write lock past its deadline (guard/limits.ts): it is rolled back instead. */
  checkDeadline(): void {
    if (Date.now() > this.root.deadline) throw limitFaults.unitTooLong();
  }

  get correlationId(): string {
    return this.caller.correlationId;
  }

  /** The same transaction, for a step's call back at a greater depth. */
  nested(caller: Caller): UnitOfWork {
    return new UnitOfWork(this.service, caller, this.parent ?? this);
  }

  private get root(): UnitOfWork {
    return this.parent ?? this;
  }

  private ensureBegun(): void {
    const root = this.root;
    if (!root.begun) {
      this.service.store.begin();
      root.begun = true;
    }
  }

  commit(): void {
    if (this.begun) this.service.store.commit();
    this.begun = false;
  }

  rollback(): void {
    if (this.begun) this.service.store.rollback();
    this.begun = false;
    this.queued = 0;
  }

  async create(entity: EntityMetadata, attributes: Row): Promise<string> {
    const store = this.service.store;
    const idAttribute = entity.primaryIdAttribute;
    this.checkDeadline();
    const requestedId = attributes[idAttribute];
    if (requestedId === EMPTY_GUID) throw faults.invalidArgument(`The all-zero id ${EMPTY_GUID} cannot identify a ${entity.logicalName} record.`);
    const id = typeof requestedId === "string" ? requestedId.toLowerCase() : randomUUID();
    if (store.get(entity, id)) throw faults.duplicate(entity.logicalName);
    const target: Row = { ...attributes, [idAttribute]: id };
    const steps = this.steps("Create", entity);
    await this.runSync(steps, 10, "Create", entity, id, target, undefined, undefined);
    // Privileges are checked after PreValidation, as Dataverse does.
    const row = this.withDefaults(entity, target);
    this.service.security?.beforeCreate(this.caller.userId, entity, row, target);
    this.ensureBegun();
    await this.runSync(steps, 20, "Create", entity, id, target, undefined, undefined);
    store.insert(entity, row);
    const after = store.get(entity, id) ?? row;
    await this.runSync(steps, 40, "Create", entity, id, target, undefined, after);
    this.queueAsync(steps, "Create", entity, id, target, undefined, after);
    return id;
  }

  /** Updates a row; `ifMatch` is an etag (or "*") the row must still have. */
  async update(entity: EntityMetadata, id: string, changes: Row, ifMatch?: string): Promise<void> {
    this.checkDeadline();
    const store = this.service.store;
    const before = this.service.retrieve(entity, id);
    if (ifMatch && ifMatch !== "*" && ifMatch !== etagOf(before)) throw faults.concurrency();
    const target: Row = { ...changes };
    delete target[entity.primaryIdAttribute];
    this.checkState(entity, before, target);
    const steps = this.steps("Update", entity).filter((s) => firesFor(s, "Update", Object.keys(target)));
    await this.runSync(steps, 10, "Update", entity, id, target, before, undefined);
    this.service.security?.beforeUpdate(this.caller.userId, entity, before, target);
    this.ensureBegun();
    await this.runSync(steps, 20, "Update", entity, id, target, before, undefined);
    const audit: Row = { modifiedon: now(), versionnumber: store.nextSequence("version") };
    const newOwner = isEntityReference(target.ownerid) ? target.ownerid : undefined;
    if (newOwner && entity.attributes.has("owningbusinessunit")) {
      // Assign: the owning business unit follows the new owner, and parental children move with the row.
      audit.owningbusinessunit = { logicalName: "businessunit", id: this.service.security?.businessUnitOf(newOwner) ?? this.service.organization.businessUnitId };
      this.service.security?.cascadeAssign?.(entity.logicalName, id, { ownerid: newOwner, owningbusinessunit: audit.owningbusinessunit });
    }
    if ((entity.logicalName === "contact" || entity.logicalName === "systemuser") && (target.firstname !== undefined || target.lastname !== undefined)) {
      // fullname is composed by the platform, as Dataverse does.
      const merged = { ...before, ...target };
      audit.fullname = [merged.firstname, merged.lastname].filter((p): p is string => typeof p === "string" && p !== "").join(" ") || null;
    }
    if (entity.attributes.has("modifiedby")) audit.modifiedby = { logicalName: "systemuser", id: this.caller.userId };
    store.update(entity, id, { ...target, ...audit });
    const after = store.get(entity, id) ?? { ...before, ...target };
    await this.runSync(steps, 40, "Update", entity, id, target, before, after);
    this.queueAsync(steps, "Update", entity, id, target, before, after);
  }

  async delete(entity: EntityMetadata, id: string, ifMatch?: string): Promise<void> {
    return this.deleteRow(entity, id, ifMatch, true);
  }

  /** Children deleted by a parental cascade are not checked again, as in Dataverse. */
  private async deleteRow(entity: EntityMetadata, id: string, ifMatch: string | undefined, checked: boolean): Promise<void> {
    this.checkDeadline();
    const store = this.service.store;
    const before = this.service.retrieve(entity, id);
    if (ifMatch && ifMatch !== "*" && ifMatch !== etagOf(before)) throw faults.concurrency();
    const steps = this.steps("Delete", entity);
    await this.runSync(steps, 10, "Delete", entity, id, undefined, before, undefined);
    if (checked) this.service.security?.beforeDelete(this.caller.userId, entity, before);
    this.ensureBegun();
    await this.runSync(steps, 20, "Delete", entity, id, undefined, before, undefined);
    await this.cascadeDelete(entity, id);
    store.delete(entity, id);
    await this.runSync(steps, 40, "Delete", entity, id, undefined, before, undefined);
    this.queueAsync(steps, "Delete", entity, id, undefined, before, undefined);
  }

  /** Parental relationships delete their children first (through the pipeline); restrict ones refuse. */
  private async cascadeDelete(entity: EntityMetadata, id: string): Promise<void> {
    for (const nav of entity.collectionNavigations.values()) {
      if (nav.intersect) continue;
      const child = this.service.metadata.entity(nav.referencingTable);
      if (!child) continue;
      const rows = this.service.store.select(
        `SELECT "${child.primaryIdAttribute}" AS id FROM "${child.logicalName}" WHERE "${nav.lookup}" = ?`,
        [id],
      );
      if (rows.length === 0) continue;
      if (entity.logicalName === "contact") {
        throw new DataverseFault(400, "0x80040227", `The ${entity.logicalName} cannot be deleted because ${child.logicalName} records refer to it.`);
      }
      for (const r of rows) await this.deleteRow(child, String(r.id), undefined, false);
    }
  }

  private steps(message: string, entity: EntityMetadata): RegisteredStep[] {
    const all = this.service.pipeline?.steps(message, entity.logicalName) ?? [];
    const bypass = this.caller.bypass;
    return bypass ? all.filter((s) => !(s.mode === 0 && bypass.sync) && !(s.mode === 1 && bypass.async)) : all;
  }

  private withDefaults(entity: EntityMetadata, target: Row): Row {
    const store = this.service.store;
    const row: Row = {};
    for (const attribute of entity.attributes.values()) {
      if (attribute.defaultValue !== undefined && attribute.kind !== "lookup") row[attribute.logicalName] = attribute.defaultValue;
    }
    const user = { logicalName: "systemuser", id: this.caller.userId };
    const stamp = now();
    const system: Row = { createdon: stamp, modifiedon: stamp, versionnumber: store.nextSequence("version") };
    if (entity.attributes.has("createdby")) Object.assign(system, { createdby: user, modifiedby: user });
    if (entity.attributes.has("ownerid")) {
      const owner = isEntityReference(target.ownerid) ? target.ownerid : user;
      system.ownerid = owner;
      system.owningbusinessunit = { logicalName: "businessunit", id: this.service.security?.businessUnitOf(owner) ?? this.service.organization.businessUnitId };
    }
    if (entity.defaultState) Object.assign(system, entity.defaultState);
    if (entity.autoNumber && target[entity.autoNumber.attribute] === undefined) {
      system[entity.autoNumber.attribute] = store.nextAutoNumber(entity) ?? null;
    }
    if (entity.logicalName === "contact" || entity.logicalName === "systemuser") {
      const full = [target.firstname, target.lastname].filter((p): p is string => typeof p === "string" && p !== "").join(" ");
      if (full && target.fullname === undefined) system.fullname = full;
    }
    const merged: Row = { ...row, ...system, ...target };
    for (const key of Object.keys(merged)) if (!entity.attributes.has(key)) delete merged[key];
    return merged;
  }

  /** statecode and statuscode must go together as the table allows. */
  private checkState(entity: EntityMetadata, before: Row, target: Row): void {
    if (target.statecode === undefined && target.statuscode === undefined) return;
    const state = Number(target.statecode ?? before.statecode);
    const allowed = entity.statusByState?.get(state);
    if (!allowed) return;
    if (target.statuscode === undefined || target.statuscode === null) {
      target.statuscode = allowed[0];
    } else if (!allowed.includes(Number(target.statuscode))) {
      throw faults.invalidArgument(`${asText(target.statuscode)} is not a valid status code for state code ${entity.logicalName}State.${state} on ${entity.logicalName}.`);
    }
  }

  private context(step: RegisteredStep, message: "Create" | "Update" | "Delete", entity: EntityMetadata, id: string, target: Row | undefined, before: Row | undefined, after: Row | undefined, inTransaction: boolean): Record<string, unknown> {
    const images = (type: 0 | 1, row: Row | undefined) =>
      row ? step.images.filter((i) => i.imageType === type || i.imageType === 2).map((i) => ({ alias: i.alias, row: imageRow(row), attributes: i.attributes })) : [];
    return remoteExecutionContext({
      message, entity, id, stage: step.stage, mode: step.mode, depth: this.caller.depth, userId: this.caller.userId,
      correlationId: this.caller.correlationId, operationId: randomUUID(), requestId: randomUUID(), operationCreatedOn: this.service.clock(),
      step: { id: step.id, name: step.name }, target, isInTransaction: inTransaction, organization: this.service.organization,
      // Pre-images exist for Update and Delete; post-images only after the operation, and never for Delete.
      preImages: message === "Create" ? [] : images(0, before),
      postImages: step.stage === 40 && message !== "Delete" ? images(1, after) : [],
    });
  }

  private async runSync(steps: readonly RegisteredStep[], stage: 10 | 20 | 40, message: "Create" | "Update" | "Delete", entity: EntityMetadata, id: string, target: Row | undefined, before: Row | undefined, after: Row | undefined): Promise<void> {
    const pipeline = this.service.pipeline;
    if (!pipeline) return;
    for (const step of steps.filter((s) => s.stage === stage && s.mode === 0)) {
      const context = this.context(step, message, entity, id, target, before, after, stage !== 10);
      this.root.awaitingSync++;
      try {
        await pipeline.deliverSync(step, context, this.caller.correlationId, this.caller.depth, entity.logicalName, message);
      } finally {
        this.root.awaitingSync--;
      }
    }
  }

  private queueAsync(steps: readonly RegisteredStep[], message: "Create" | "Update" | "Delete", entity: EntityMetadata, id: string, target: Row | undefined, before: Row | undefined, after: Row | undefined): void {
    const pipeline = this.service.pipeline;
    if (!pipeline) return;
    for (const step of steps.filter((s) => s.stage === 40 && s.mode === 1)) {
      // The system job is a row of this transaction: it commits with the write that queued it, or vanishes with it.
      pipeline.persist({
        step, entityName: entity.logicalName, message, correlationId: this.caller.correlationId, depth: this.caller.depth,
        context: this.context(step, message, entity, id, target, before, after, false),
      });
      this.root.queued++;
    }
  }
}

/** Images carry values only; a lookup keeps its reference, nulls are left out as Dataverse does. */
function imageRow(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) if (value !== null && (typeof value !== "object" || isEntityReference(value))) out[key] = value;
  return out;
}
