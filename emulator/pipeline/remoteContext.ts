import type { EntityMetadata } from "../metadata/metadata";
import { type Row, isEntityReference } from "../storage/database";
import { asText } from "../storage/text";

/**
 * The RemoteExecutionContext as Dataverse posts it to a WebHook: the
 * DataContractJsonSerializer shape of the platform's execution context
 * (Microsoft's "Use WebHooks to create external handlers for server events").
 * Collections are `[{"key":…,"value":…}]`, typed values carry `__type`, and
 * dates are `"\/Date(ms)\/"`.
 */

const CONTRACTS = ":http://schemas.microsoft.com/xrm/2011/Contracts";

export function wcfDate(instant: Date | string | number): string {
  const ms = typeof instant === "number" ? instant : new Date(instant).getTime();
  return `/Date(${ms})/`;
}

function entityReference(logicalName: string, id: string, name: string | null = null): Record<string, unknown> {
  return { __type: `EntityReference${CONTRACTS}`, Id: id, KeyAttributes: [], LogicalName: logicalName, Name: name, RowVersion: null };
}

/** One stored value in the contract's serialised form. */
export function contractValue(entity: EntityMetadata, name: string, value: Row[string]): unknown {
  if (value === null || value === undefined) return null;
  const attribute = entity.attributes.get(name);
  if (isEntityReference(value)) return entityReference(value.logicalName, value.id);
  switch (attribute?.kind) {
    case "picklist": case "state": case "status":
      return { __type: `OptionSetValue${CONTRACTS}`, Value: value };
    case "multiselect":
      return asText(value).split(",").filter((v) => v !== "").map((v) => ({ __type: `OptionSetValue${CONTRACTS}`, Value: Number(v) }));
    case "date":
      return wcfDate(`${asText(value)}T00:00:00Z`);
    case "datetime":
      return wcfDate(asText(value));
    default:
      return value;
  }
}

export function contractEntity(entity: EntityMetadata, id: string, row: Row, only?: readonly string[]): Record<string, unknown> {
  const names = Object.keys(row).filter((n) => (!only || only.length === 0 || only.includes(n)) && entity.attributes.has(n));
  return {
    __type: `Entity${CONTRACTS}`,
    Attributes: names.map((key) => ({ key, value: contractValue(entity, key, row[key]) })),
    EntityState: null,
    FormattedValues: [],
    Id: id,
    KeyAttributes: [],
    LogicalName: entity.logicalName,
    RelatedEntities: [],
    RowVersion: row.versionnumber === undefined || row.versionnumber === null ? null : asText(row.versionnumber),
  };
}

export interface OrganizationInfo {
  readonly id: string;
  readonly name: string;
  readonly businessUnitId: string;
}

export interface ContextInput {
  readonly message: "Create" | "Update" | "Delete";
  readonly entity: EntityMetadata;
  readonly id: string;
  readonly stage: 10 | 20 | 40;
  readonly mode: 0 | 1;
  readonly depth: number;
  readonly userId: string;
  readonly correlationId: string;
  readonly operationId: string;
  readonly requestId: string;
  readonly operationCreatedOn: Date;
  readonly step: { readonly id: string; readonly name: string };
  /** Columns sent with Create / Update; undefined for Delete. */
  readonly target?: Row;
  readonly preImages: readonly { alias: string; row: Row; attributes?: readonly string[] }[];
  readonly postImages: readonly { alias: string; row: Row; attributes?: readonly string[] }[];
  readonly isInTransaction: boolean;
  readonly organization: OrganizationInfo;
  readonly parent?: Record<string, unknown>;
}

export function remoteExecutionContext(input: ContextInput): Record<string, unknown> {
  const { entity, id } = input;
  const target = input.message === "Delete" || !input.target
    ? entityReference(entity.logicalName, id)
    : contractEntity(entity, id, { ...input.target, [entity.primaryIdAttribute]: id });
  const images = (list: ContextInput["preImages"]) =>
    list.map((image) => ({ key: image.alias, value: contractEntity(entity, id, image.row, image.attributes) }));
  return {
    BusinessUnitId: input.organization.businessUnitId,
    CorrelationId: input.correlationId,
    Depth: input.depth,
    InitiatingUserAzureActiveDirectoryObjectId: "00000000-0000-0000-0000-000000000000",
    InitiatingUserId: input.userId,
    InputParameters: [{ key: "Target", value: target }],
    IsExecutingOffline: false,
    IsInTransaction: input.isInTransaction,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: input.message,
    Mode: input.mode,
    OperationCreatedOn: wcfDate(input.operationCreatedOn),
    OperationId: input.operationId,
    OrganizationId: input.organization.id,
    OrganizationName: input.organization.name,
    OutputParameters: input.message === "Create" && input.stage === 40 ? [{ key: "id", value: id }] : [],
    OwningExtension: { Id: input.step.id, KeyAttributes: [], LogicalName: "sdkmessageprocessingstep", Name: input.step.name, RowVersion: null },
    ParentContext: input.parent ?? null,
    PostEntityImages: images(input.postImages),
    PreEntityImages: images(input.preImages),
    PrimaryEntityId: id,
    PrimaryEntityName: entity.logicalName,
    RequestId: input.requestId,
    SecondaryEntityName: "none",
    SharedVariables: [{ key: "IsAutoTransact", value: input.isInTransaction }],
    Stage: input.stage,
    UserAzureActiveDirectoryObjectId: "00000000-0000-0000-0000-000000000000",
    UserId: input.userId,
  };
}
