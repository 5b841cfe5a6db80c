import fc from "fast-check";
import { runFetchXml } from "../../emulator/fetchxml/fetchXml";
import { loadMetadata } from "../../emulator/metadata/metadata";
import { parseFilter } from "../../emulator/odata/filter";
import { QueryError } from "../../emulator/query/conditions";
import { DataverseFault } from "../../emulator/service/faults";
import { ensureFoundation, FOUNDATION } from "../../emulator/seed/foundation";
import { Store } from "../../emulator/storage/database";
import { ContextFormatError, parseRemoteExecutionContext, UnsupportedMessage } from "../../plugins/context";
import { remoteExecutionContext } from "../plugins/support/remoteContext";
import { startTestDataverse, type TestEnvironment } from "../emulator/support/localDataverse";

/**
 * Property-based fuzzing of the three parsers that read text from outside:
 * the RemoteExecutionContext parser, the OData $filter translator and the
 * FetchXML translator. Whatever the input, each either answers or throws
 * its own typed, Dataverse-shaped error; never a crash of another kind.
 */

const RUNS = 400;
const metadata = loadMetadata();
const engagement = metadata.require("sprx_engagement");
const store = new Store(metadata);
ensureFoundation(store);
afterAll(() => store.close());
const dates = { now: new Date("2026-03-02T12:00:00Z"), timeZone: "Europe/London", fiscalYearStartMonth: 1 };

const isDataverseShaped = (error: unknown) => error instanceof QueryError || error instanceof DataverseFault;

describe("RemoteExecutionContext parser", () => {
  const valid = remoteExecutionContext({ message: "Update", table: "appointment", id: "a0a0a0a0-0000-4000-8000-000000000001", stage: 40, mode: 1, target: { subject: "x" } });
  const expectTyped = (body: unknown) => {
    try {
      parseRemoteExecutionContext(body);
    } catch (error) {
      expect(error instanceof ContextFormatError || error instanceof UnsupportedMessage).toBe(true);
    }
  };

  it("any JSON value is parsed or refused with its typed error", () => {
    fc.assert(fc.property(fc.jsonValue(), expectTyped), { numRuns: RUNS });
  });

  it("a real context with any one field replaced by any JSON value is parsed or refused with its typed error", () => {
    const keys = Object.keys(valid);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => expectTyped({ ...valid, [key]: value })),
      { numRuns: RUNS },
    );
  });

  it("a real context with its Target's attributes replaced by arbitrary key/value pairs is parsed or refused with its typed error", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.string(), value: fc.jsonValue() }), { maxLength: 6 }), (attributes) => {
        const input = [{ key: "Target", value: { ...(valid.InputParameters as { value: Record<string, unknown> }[])[0].value, Attributes: attributes } }];
        expectTyped({ ...valid, InputParameters: input });
      }),
      { numRuns: RUNS },
    );
  });
});

describe("OData $filter translator", () => {
  const scope = {
    column(property: string) {
      const attribute = engagement.attributes.get(property);
      if (!attribute) throw new QueryError(`Could not find a property named '${property}'.`);
      return { alias: "t0", attribute };
    },
  };
  const expectTyped = (text: string) => {
    try {
      parseFilter(text, scope);
    } catch (error) {
      expect(isDataverseShaped(error)).toBe(true);
    }
  };
  const property = fc.constantFrom("statecode", "sprx_name", "sprx_stage", "sprx_referraldate", "sprx_lastsessionon", "sprx_beyondplan", "_sprx_contactid_value", "sprx_nothere", "x/y");
  const literal = fc.oneof(fc.integer().map(String), fc.constant("null"), fc.constant("true"), fc.string().map((s) => `'${s.replace(/'/g, "''")}'`), fc.string(), fc.uuid(), fc.constant("2026-03-02"));
  const comparison = fc.tuple(property, fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le", "has", "in"), literal).map(([p, op, v]) => `${p} ${op} ${v}`);
  const call = fc.tuple(fc.constantFrom("contains", "startswith", "endswith", "substringof", "Microsoft.Dynamics.CRM.In", "Microsoft.Dynamics.CRM.LastXDays", "Microsoft.Dynamics.CRM.Nope"), property, literal)
    .map(([fn, p, v]) => (fn.startsWith("Microsoft") ? `${fn}(PropertyName='${p}',PropertyValue${fn.endsWith("In") ? "s=[" + v + "]" : "=" + v})` : `${fn}(${p},${v})`));
  const expression: fc.Arbitrary<string> = fc.letrec((tie) => ({
    expr: fc.oneof({ depthSize: "small" }, comparison, call, fc.tuple(tie("expr"), fc.constantFrom(" and ", " or "), tie("expr")).map((parts) => parts.join("")), tie("expr").map((e) => `not (${e as string})`), tie("expr").map((e) => `(${e as string}`)),
  })).expr;

  it("any text is translated or refused with a Dataverse-shaped error", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), expectTyped), { numRuns: RUNS });
  });

  it("filters built from its grammar, valid or not, are translated or refused with a Dataverse-shaped error", () => {
    fc.assert(fc.property(expression, expectTyped), { numRuns: RUNS });
  });
});

describe("FetchXML translator", () => {
  const context = { dates, userId: FOUNDATION.adminUserId, businessUnitId: FOUNDATION.businessUnitId };
  const expectTyped = (xml: string) => {
    try {
      runFetchXml(store, xml, context);
    } catch (error) {
      expect(isDataverseShaped(error)).toBe(true);
    }
  };
  const name = fc.oneof(fc.constantFrom("sprx_engagement", "appointment", "contact", "sprx_name", "statecode", "sprx_lastsessionon", "ownerid", "sprx_contactid", "contactid", "regardingobjectid"), fc.string({ maxLength: 12 }));
  const value = fc.oneof(fc.integer().map(String), fc.string({ maxLength: 12 }), fc.uuid(), fc.constant("2026-03-02"));
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const condition = fc.tuple(name, fc.constantFrom("eq", "ne", "gt", "null", "not-null", "in", "like", "begins-with", "eq-userid", "eq-businessid", "olderthan-x-days", "last-x-days", "this-fiscal-period", "on", "bogus"), value)
    .map(([a, op, v]) => `<condition attribute="${escape(a)}" operator="${op}" value="${escape(v)}" />`);
  const filter = fc.tuple(fc.constantFrom("and", "or", "xor"), fc.array(condition, { maxLength: 4 })).map(([type, items]) => `<filter type="${type}">${items.join("")}</filter>`);
  const attribute = fc.tuple(name, fc.option(fc.constantFrom("count", "sum", "avg", "max", "countcolumn", "median")), fc.option(fc.string({ maxLength: 8 })), fc.boolean())
    .map(([n, agg, alias, group]) => `<attribute name="${escape(n)}"${agg ? ` aggregate="${agg}"` : ""}${alias ? ` alias="${escape(alias)}"` : ""}${group ? ' groupby="true"' : ""} />`);
  const link = fc.tuple(name, name, name, fc.constantFrom("inner", "outer", "exists"), fc.array(attribute, { maxLength: 2 }), fc.option(filter))
    .map(([n, from, to, type, attrs, f]) => `<link-entity name="${escape(n)}" from="${escape(from)}" to="${escape(to)}" link-type="${type}" alias="l1">${attrs.join("")}${f ?? ""}</link-entity>`);
  const fetchXml = fc.tuple(fc.boolean(), fc.option(fc.oneof(fc.integer({ min: -2, max: 6000 }).map(String), fc.string({ maxLength: 4 }))), name, fc.array(attribute, { maxLength: 4 }), fc.array(filter, { maxLength: 2 }), fc.array(link, { maxLength: 2 }), fc.option(fc.tuple(name, fc.boolean())))
    .map(([aggregate, top, entity, attrs, filters, links, order]) =>
      `<fetch${aggregate ? ' aggregate="true"' : ""}${top === null ? "" : ` top="${escape(top)}"`}><entity name="${escape(entity)}">${attrs.join("")}${order ? `<order attribute="${escape(order[0])}" descending="${String(order[1])}" />` : ""}${filters.join("")}${links.join("")}</entity></fetch>`);

  it("any text is run or refused with a Dataverse-shaped error", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), expectTyped), { numRuns: RUNS });
  });

  it("FetchXML built from its elements, valid or not, is run or refused with a Dataverse-shaped error", () => {
    // Found by this property: an aggregate fetch without attributes reached SQLite as "SELECT  FROM …".
    fc.assert(fc.property(fetchXml, expectTyped), { numRuns: RUNS, examples: [['<fetch aggregate="true"><entity name="sprx_engagement"></entity></fetch>']] });
  });
});

describe("over HTTP", () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await startTestDataverse();
  });
  afterAll(() => env.close());

  it("the local Dataverse answers any $filter or fetchXml with 200 or a 4xx in Dataverse's error shape, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), fc.boolean(), async (text, asFetch) => {
        const query = asFetch ? `fetchXml=${encodeURIComponent(text)}` : `$filter=${encodeURIComponent(text)}`;
        const response = await env.request("GET", `sprx_engagements?${query}`);
        expect(response.status === 200 || (response.status >= 400 && response.status < 500)).toBe(true);
        if (response.status !== 200) expect(response.json.error).toEqual({ code: expect.stringMatching(/^0x[0-9a-f]{8}$/i) as unknown, message: expect.any(String) as unknown });
      }),
      { numRuns: 100 },
    );
  });
});

