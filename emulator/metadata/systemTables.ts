import type { AttributeMetadata, CollectionNavigation, EntityMetadata, LookupNavigation, OptionMetadata } from "./metadata";

/**
 * The built-in Dataverse tables the product touches, reduced to the columns it
 * reads and writes: people (contact), organisations (account), link workers (systemuser) in business
 * units, and the plug-in registration tables that `npm run register` writes
 * (serviceendpoint, sdkmessage, sdkmessagefilter, sdkmessageprocessingstep,
 * sdkmessageprocessingstepimage) with asyncoperation for async step runs.
 */

type Column = Omit<AttributeMetadata, "logicalName">;

const id: Column = { kind: "uniqueidentifier" };
const text = (maxLength = 100): Column => ({ kind: "string", maxLength });
const memo: Column = { kind: "memo", maxLength: 1_048_576 };
const int: Column = { kind: "integer" };
const yesNo = (defaultValue = false): Column => ({ kind: "boolean", options: [{ value: 0, label: "No" }, { value: 1, label: "Yes" }], defaultValue });
const when: Column = { kind: "datetime" };
const date: Column = { kind: "date" };
const lookup = (...targets: string[]): Column => ({ kind: "lookup", targets });
const options = (values: Record<number, string>, defaultValue?: number): Column => ({
  kind: "picklist",
  options: Object.entries(values).map(([value, label]): OptionMetadata => ({ value: Number(value), label })),
  defaultValue,
});
const ACTIVE_INACTIVE: Column = { kind: "state", options: [{ value: 0, label: "Active" }, { value: 1, label: "Inactive" }] };
const ACTIVE_INACTIVE_STATUS: Column = { kind: "status", options: [{ value: 1, label: "Active" }, { value: 2, label: "Inactive" }] };

interface TableSpec {
  logicalName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute?: string;
  columns: Record<string, Column>;
  navigations?: readonly LookupNavigation[];
  collections?: readonly CollectionNavigation[];
  states?: boolean;
}

const AUDIT: Record<string, Column> = {
  createdon: when,
  modifiedon: when,
  versionnumber: { kind: "bigint" },
};
const OWNED: Record<string, Column> = {
  ...AUDIT,
  statecode: ACTIVE_INACTIVE,
  statuscode: ACTIVE_INACTIVE_STATUS,
  ownerid: lookup("systemuser", "team"),
  owningbusinessunit: lookup("businessunit"),
  createdby: lookup("systemuser"),
  modifiedby: lookup("systemuser"),
};

function table(spec: TableSpec): EntityMetadata {
  const attributes = new Map<string, AttributeMetadata>();
  for (const [logicalName, column] of Object.entries({ [spec.primaryIdAttribute]: id, ...spec.columns })) {
    attributes.set(logicalName, { logicalName, ...column });
  }
  return {
    logicalName: spec.logicalName,
    entitySetName: spec.entitySetName,
    primaryIdAttribute: spec.primaryIdAttribute,
    primaryNameAttribute: spec.primaryNameAttribute,
    attributes,
    lookupNavigations: new Map((spec.navigations ?? []).map((n) => [n.name, n])),
    collectionNavigations: new Map((spec.collections ?? []).map((c) => [c.name, c])),
    defaultState: spec.states ? { statecode: 0, statuscode: 1 } : undefined,
    statusByState: spec.states ? new Map([[0, [1]], [1, [2]]]) : undefined,
  };
}

const ownerNavigations: LookupNavigation[] = [
  { name: "ownerid", lookup: "ownerid", target: "systemuser" },
  { name: "owningbusinessunit", lookup: "owningbusinessunit", target: "businessunit" },
  { name: "createdby", lookup: "createdby", target: "systemuser" },
  { name: "modifiedby", lookup: "modifiedby", target: "systemuser" },
];

export const SYSTEM_TABLES: readonly EntityMetadata[] = [
  table({
    logicalName: "contact",
    entitySetName: "contacts",
    primaryIdAttribute: "contactid",
    primaryNameAttribute: "fullname",
    states: true,
    columns: {
      ...OWNED,
      firstname: text(50), lastname: text(50), fullname: text(160),
      emailaddress1: text(100), telephone1: text(50), mobilephone: text(50),
      birthdate: date, address1_line1: text(250), address1_city: text(80), address1_postalcode: text(20),
      preferredcontactmethodcode: options({ 1: "Any", 2: "Email", 3: "Phone", 4: "Fax", 5: "Mail" }, 1),
    },
    navigations: ownerNavigations,
  }),
  // Organisations (the providers of community services): Dataverse's own account table.
  table({
    logicalName: "account",
    entitySetName: "accounts",
    primaryIdAttribute: "accountid",
    primaryNameAttribute: "name",
    states: true,
    columns: {
      ...OWNED,
      name: text(160), telephone1: text(50), emailaddress1: text(100), websiteurl: text(200),
      address1_line1: text(250), address1_city: text(80), address1_postalcode: text(20), description: memo,
    },
    navigations: ownerNavigations,
  }),
  table({
    logicalName: "businessunit",
    entitySetName: "businessunits",
    primaryIdAttribute: "businessunitid",
    primaryNameAttribute: "name",
    columns: { ...AUDIT, name: text(160), parentbusinessunitid: lookup("businessunit"), isdisabled: yesNo() },
    navigations: [{ name: "parentbusinessunitid", lookup: "parentbusinessunitid", target: "businessunit" }],
    collections: [{ name: "business_unit_system_users", referencingTable: "systemuser", lookup: "businessunitid" }],
  }),
  table({
    logicalName: "systemuser",
    entitySetName: "systemusers",
    primaryIdAttribute: "systemuserid",
    primaryNameAttribute: "fullname",
    columns: {
      ...AUDIT,
      firstname: text(64), lastname: text(64), fullname: text(200), internalemailaddress: text(100),
      domainname: text(1024), title: text(128), isdisabled: yesNo(), businessunitid: lookup("businessunit"),
      azureactivedirectoryobjectid: { kind: "uniqueidentifier" },
    },
    navigations: [{ name: "businessunitid", lookup: "businessunitid", target: "businessunit" }],
  }),
  table({
    logicalName: "team",
    entitySetName: "teams",
    primaryIdAttribute: "teamid",
    primaryNameAttribute: "name",
    columns: { ...AUDIT, name: text(160), businessunitid: lookup("businessunit") },
    navigations: [{ name: "businessunitid", lookup: "businessunitid", target: "businessunit" }],
  }),
  table({
    logicalName: "serviceendpoint",
    entitySetName: "serviceendpoints",
    primaryIdAttribute: "serviceendpointid",
    primaryNameAttribute: "name",
    columns: {
      ...AUDIT,
      name: text(256), description: memo, url: text(2000), namespaceaddress: text(255), path: text(160),
      contract: options({ 1: "OneWay", 2: "Queue", 3: "Rest", 4: "TwoWay", 5: "Topic", 6: "Queue (Persistent)", 7: "Event Hub", 8: "Webhook", 9: "EventGrid", 10: "ManagedDataLake", 11: "Container Storage" }),
      authtype: options({ 1: "ACS", 2: "SAS Key", 3: "SAS Token", 4: "Webhook Key", 5: "Http Header", 6: "Http Query String", 7: "Connection String", 8: "Access Key", 9: "Managed Identity" }),
      authvalue: memo,
      messageformat: options({ 1: ".NET Binary", 2: "JSON", 3: "XML" }, 2),
      userclaim: options({ 1: "None", 2: "UserId", 3: "UserInfo" }, 1),
    },
  }),
  table({
    logicalName: "sdkmessage",
    entitySetName: "sdkmessages",
    primaryIdAttribute: "sdkmessageid",
    primaryNameAttribute: "name",
    columns: { ...AUDIT, name: text(256), categoryname: text(25), isprivate: yesNo() },
  }),
  table({
    logicalName: "sdkmessagefilter",
    entitySetName: "sdkmessagefilters",
    primaryIdAttribute: "sdkmessagefilterid",
    columns: { ...AUDIT, primaryobjecttypecode: text(100), secondaryobjecttypecode: text(100), sdkmessageid: lookup("sdkmessage"), iscustomprocessingstepallowed: yesNo(true) },
    navigations: [{ name: "sdkmessageid", lookup: "sdkmessageid", target: "sdkmessage" }],
  }),
  table({
    logicalName: "sdkmessageprocessingstep",
    entitySetName: "sdkmessageprocessingsteps",
    primaryIdAttribute: "sdkmessageprocessingstepid",
    primaryNameAttribute: "name",
    columns: {
      ...AUDIT,
      name: text(256), description: memo,
      stage: options({ 5: "Initial Pre-operation (For internal use only)", 10: "Pre-validation", 20: "Pre-operation", 40: "Post-operation" }),
      mode: options({ 0: "Synchronous", 1: "Asynchronous" }, 0),
      rank: int, filteringattributes: memo, configuration: memo,
      supporteddeployment: options({ 0: "Server Only", 1: "Microsoft Dynamics 365 Client for Outlook Only", 2: "Both" }, 0),
      asyncautodelete: yesNo(),
      invocationsource: options({ 0: "Parent", 1: "Child" }, 0),
      statecode: { kind: "state", options: [{ value: 0, label: "Enabled" }, { value: 1, label: "Disabled" }] },
      statuscode: { kind: "status", options: [{ value: 1, label: "Enabled" }, { value: 2, label: "Disabled" }] },
      eventhandler: lookup("serviceendpoint", "plugintype"),
      sdkmessageid: lookup("sdkmessage"),
      sdkmessagefilterid: lookup("sdkmessagefilter"),
    },
    navigations: [
      { name: "eventhandler_serviceendpoint", lookup: "eventhandler", target: "serviceendpoint" },
      { name: "sdkmessageid", lookup: "sdkmessageid", target: "sdkmessage" },
      { name: "sdkmessagefilterid", lookup: "sdkmessagefilterid", target: "sdkmessagefilter" },
    ],
    collections: [{ name: "sdkmessageprocessingstepid_sdkmessageprocessingstepimage", referencingTable: "sdkmessageprocessingstepimage", lookup: "sdkmessageprocessingstepid" }],
    states: true,
  }),
  table({
    logicalName: "sdkmessageprocessingstepimage",
    entitySetName: "sdkmessageprocessingstepimages",
    primaryIdAttribute: "sdkmessageprocessingstepimageid",
    primaryNameAttribute: "name",
    columns: {
      ...AUDIT,
      name: text(256), entityalias: text(256), description: memo,
      imagetype: options({ 0: "PreImage", 1: "PostImage", 2: "Both" }),
      attributes: memo, messagepropertyname: text(256),
      sdkmessageprocessingstepid: lookup("sdkmessageprocessingstep"),
    },
    navigations: [{ name: "sdkmessageprocessingstepid", lookup: "sdkmessageprocessingstepid", target: "sdkmessageprocessingstep" }],
  }),
  // Views: savedquery (system views, from the solutions installed) and userquery (a user's saved views).
  table({
    logicalName: "savedquery",
    entitySetName: "savedqueries",
    primaryIdAttribute: "savedqueryid",
    primaryNameAttribute: "name",
    columns: {
      ...AUDIT,
      name: text(200), description: memo, returnedtypecode: text(100), fetchxml: memo, layoutxml: memo,
      querytype: int, isdefault: yesNo(), statecode: ACTIVE_INACTIVE, statuscode: ACTIVE_INACTIVE_STATUS,
    },
    states: true,
  }),
  table({
    logicalName: "userquery",
    entitySetName: "userqueries",
    primaryIdAttribute: "userqueryid",
    primaryNameAttribute: "name",
    columns: { ...OWNED, name: text(200), description: memo, returnedtypecode: text(100), fetchxml: memo, layoutxml: memo, querytype: int },
    navigations: ownerNavigations,
    states: true,
  }),
  table({
    logicalName: "asyncoperation",
    entitySetName: "asyncoperations",
    primaryIdAttribute: "asyncoperationid",
    primaryNameAttribute: "name",
    columns: {
      ...AUDIT,
      name: text(256), operationtype: options({ 1: "Event", 10: "Workflow" }, 1),
      statecode: { kind: "state", options: [{ value: 0, label: "Ready" }, { value: 1, label: "Suspended" }, { value: 2, label: "Locked" }, { value: 3, label: "Completed" }] },
      statuscode: {
        kind: "status",
        options: [
          { value: 0, label: "Waiting For Resources" }, { value: 10, label: "Waiting" }, { value: 20, label: "In Progress" },
          { value: 30, label: "Succeeded" }, { value: 31, label: "Failed" }, { value: 32, label: "Canceled" },
        ],
      },
      message: memo, friendlymessage: memo, errorcode: int, retrycount: int, depth: int,
      correlationid: { kind: "uniqueidentifier" }, messagename: text(256), primaryentitytype: text(100),
      startedon: when, completedon: when, postponeuntil: when,
      owningextensionid: lookup("sdkmessageprocessingstep"),
    },
    navigations: [{ name: "owningextensionid_sdkmessageprocessingstep", lookup: "owningextensionid", target: "sdkmessageprocessingstep" }],
  }),
];
