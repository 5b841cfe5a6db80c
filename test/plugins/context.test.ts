import { readFileSync } from "node:fs";
import path from "node:path";
import { ContextFormatError, parseRemoteExecutionContext, parseWcfDate, UnsupportedMessage } from "../../plugins/context";
import { ids } from "./support/harness";
import { remoteExecutionContext } from "./support/remoteContext";

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8"));

describe("parseRemoteExecutionContext", () => {
  it("reads the documented context into one small typed step context", () => {
    const context = parseRemoteExecutionContext(fixture("appointment-update-async.json"), { "x-ms-dynamics-organization": "contoso.crm.dynamics.com" });
    expect(context).toMatchObject({
      message: "Update",
      table: "appointment",
      primaryId: "c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b",
      stage: 40,
      mode: "async",
      depth: 1,
      userId: "75c2dd13-8cd6-4d2c-9ef2-2b1ae5ef5d24",
      correlationId: "b374239d-4233-41a9-8b17-a3ad5ca2b5a1",
      owningStepName: "sprx: sessionBookkeeping — Update of appointment (PostOperation, async)",
      sizeExceeded: false,
      parentMessage: "Update",
    });
    expect(context.target).toEqual({
      activityid: "c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b",
      sprx_attendance: 727000001,
      scheduledstart: new Date(1767261600000),
      actualend: new Date(1767265200000),
      modifiedby: { id: "75c2dd13-8cd6-4d2c-9ef2-2b1ae5ef5d24", logicalName: "systemuser" },
      sprx_barriers: [727000000, 727000003],
      sprx_fee: 12.5,
      isalldayevent: false,
      scheduleddurationminutes: 60,
    });
    expect(context.preImage?.regardingobjectid).toEqual({ id: "f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e", logicalName: "sprx_engagement" });
    expect(context.postImage?.statecode).toBe(3);
    expect(context.operationCreatedOn).toEqual(new Date(1767265300000));
  });

  it("keeps the instant of a WCF date whatever offset it carries", () => {
    expect(parseWcfDate("/Date(1495810148000)/")).toEqual(new Date(1495810148000));
    expect(parseWcfDate("/Date(1495810148000+0100)/")).toEqual(new Date(1495810148000));
    expect(parseWcfDate("/Date(-86400000-0500)/")).toEqual(new Date(-86400000));
    expect(parseWcfDate("2017-05-26")).toBeUndefined();
  });

  it("takes a Delete's Target as an EntityReference", () => {
    const body = remoteExecutionContext({ message: "Delete", table: "appointment", id: ids.session(1), stage: 40, mode: 1, preImage: { subject: "x" } });
    const context = parseRemoteExecutionContext(body);
    expect(context.target).toEqual({});
    expect(context.primaryId).toBe(ids.session(1));
    expect(context.preImage).toEqual({ subject: "x" });
  });

  it("marks a truncated payload and accepts it without InputParameters", () => {
    const context = parseRemoteExecutionContext(fixture("appointment-update-size-exceeded.json"), { "x-ms-dynamics-msg-size-exceeded": "true" });
    expect(context.sizeExceeded).toBe(true);
    expect(context.target).toEqual({});
    expect(context.postImage).toBeUndefined();
  });

  it("reads an EntityCollection as a list of entities", () => {
    const body = remoteExecutionContext({
      message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1,
      target: {
        requiredattendees: {
          __type: "EntityCollection:http://schemas.microsoft.com/xrm/2011/Contracts",
          Entities: [{ __type: "Entity:http://schemas.microsoft.com/xrm/2011/Contracts", LogicalName: "activityparty", Id: ids.contact, Attributes: [{ key: "participationtypemask", value: { __type: "OptionSetValue:http://schemas.microsoft.com/xrm/2011/Contracts", Value: 5 } }] }],
          EntityName: "activityparty",
          MoreRecords: false,
        },
      },
    });
    const context = parseRemoteExecutionContext(body);
    expect(context.target.requiredattendees).toEqual([{ logicalName: "activityparty", id: ids.contact, attributes: { participationtypemask: 5 } }]);
  });

  it("rejects what is not a RemoteExecutionContext with a typed error that quotes no value", () => {
    expect(() => parseRemoteExecutionContext([])).toThrow(ContextFormatError);
    const wrongMode = remoteExecutionContext({ message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1, target: {} });
    wrongMode.Mode = 2;
    expect(() => parseRemoteExecutionContext(wrongMode)).toThrow(/Mode/);
    const secret = remoteExecutionContext({ message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1, target: { description: { __type: "Strange:http://x", Other: "Jane Doe's diagnosis" } } });
    expect(() => parseRemoteExecutionContext(secret)).toThrow(ContextFormatError);
    try {
      parseRemoteExecutionContext(secret);
    } catch (error) {
      expect((error as Error).message).not.toContain("Jane");
    }
  });

  it("treats a message no step handles as unsupported, not malformed", () => {
    const body = remoteExecutionContext({ message: "Update", table: "appointment", id: ids.session(1), stage: 40, mode: 1, target: {} });
    body.MessageName = "SetStateDynamicEntity";
    expect(() => parseRemoteExecutionContext(body)).toThrow(UnsupportedMessage);
  });
});
