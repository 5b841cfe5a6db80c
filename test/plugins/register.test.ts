import { main } from "../../plugins/register";
import { authValue } from "../../plugins/registration/plan";
import { STEP_REGISTRATIONS } from "../../plugins/registrations";
import { type FakeDataverse, startFakeDataverse } from "./support/fakeDataverse";

const KEY = "register-test-key-0123456789";
let dataverse: FakeDataverse;
let output: string[];

beforeEach(async () => {
  dataverse = await startFakeDataverse();
  output = [];
  for (const name of ["Create", "Update", "Delete"]) {
    const messageId = dataverse.insert("sdkmessages", { name });
    for (const table of ["appointment", "sprx_engagement", "sprx_closurecheck", "sprx_wellbeingscore", "sprx_connection"]) {
      dataverse.insert("sdkmessagefilters", { _sdkmessageid_value: messageId, primaryobjecttypecode: table });
    }
  }
});
afterEach(() => dataverse.close());

const run = (...extra: string[]) =>
  main(["--url", dataverse.url, "--webhook", "https://sprx-webhook.example.net/api/dataverse-webhook", ...extra], { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" }, (line) =>
    output.push(line),
  );

describe("npm run register", () => {
  it("prints the plan on a dry run and writes nothing", async () => {
    expect(await run("--dry-run")).toBe(0);
    expect(dataverse.writes()).toEqual([]);
    const images = STEP_REGISTRATIONS.reduce((n, s) => n + (s.images?.length ?? 0), 0);
    expect(output.at(-1)).toBe(`${1 + STEP_REGISTRATIONS.length + images} to create, 0 to update, 0 to delete, 0 unchanged.`);
    expect(output.join("\n")).not.toContain(KEY);
  });

  it("creates the endpoint, steps and images as the Web API expects them", async () => {
    expect(await run()).toBe(0);
    const [endpoint] = dataverse.rows("serviceendpoints");
    expect(endpoint).toMatchObject({ contract: 8, authtype: 4, authvalue: KEY, messageformat: 2, url: "https://sprx-webhook.example.net/api/dataverse-webhook" });
    const steps = dataverse.rows("sdkmessageprocessingsteps");
    expect(steps).toHaveLength(STEP_REGISTRATIONS.length);
    const validation = steps.find((s) => s.name === STEP_REGISTRATIONS.find((r) => r.handler === "closureValidation")!.name)!;
    expect(validation).toMatchObject({ stage: 10, mode: 0, rank: 1, filteringattributes: "statecode,statuscode", supporteddeployment: 0, asyncautodelete: false, _eventhandler_value: endpoint.serviceendpointid });
    const createImage = dataverse.rows("sdkmessageprocessingstepimages").find((i) => i._sdkmessageprocessingstepid_value === steps.find((s) => (s.name as string).includes("sessionBookkeeping — Create"))!.sdkmessageprocessingstepid);
    expect(createImage).toMatchObject({ entityalias: "PostImage", imagetype: 1, messagepropertyname: "Id" });
  });

  it("changes nothing on a second run but the key, and deletes steps no longer in the list", async () => {
    await run();
    const endpointId = dataverse.rows("serviceendpoints")[0].serviceendpointid as string;
    dataverse.insert("sdkmessageprocessingsteps", { name: "sprx: retired step", _eventhandler_value: endpointId });
    dataverse.requests.length = 0;
    output = [];
    expect(await run()).toBe(0);
    const writes = dataverse.writes();
    expect(writes.filter((w) => w.method === "POST")).toEqual([]);
    expect(writes.filter((w) => w.method === "PATCH").map((w) => w.path)).toEqual([`serviceendpoints(${endpointId})`]);
    expect(writes.filter((w) => w.method === "DELETE")).toHaveLength(1);
    expect(dataverse.rows("sdkmessageprocessingsteps")).toHaveLength(STEP_REGISTRATIONS.length);
    expect(output.at(-1)).toBe(`0 to create, 0 to update, 1 to delete, ${1 + STEP_REGISTRATIONS.length} unchanged.`);
  });

  it("updates a step whose registration changed", async () => {
    await run();
    const step = dataverse.rows("sdkmessageprocessingsteps").find((s) => (s.name as string).includes("closureValidation"))!;
    step.filteringattributes = "statecode";
    output = [];
    await run();
    expect(step.filteringattributes).toBe("statecode,statuscode");
    expect(output.some((l) => l.includes("update") && l.includes("closureValidation"))).toBe(true);
  });

  it("refuses to run without a key, or with auth none against a remote Dataverse", async () => {
    expect(await main(["--url", dataverse.url, "--webhook", "https://x.example.net/api/dataverse-webhook"], { SPRX_DATAVERSE_AUTH: "none" }, (l) => output.push(l))).toBe(2);
    expect(await main(["--url", "https://contoso.crm.dynamics.com", "--webhook", "https://x.example.net/"], { SPRX_WEBHOOK_KEY: KEY, SPRX_DATAVERSE_AUTH: "none" }, (l) => output.push(l))).toBe(2);
    expect(output.join("\n")).toMatch(/SPRX_WEBHOOK_KEY/);
    expect(dataverse.requests).toEqual([]);
  });

  it("stores header and query-string settings the way the Plugin Registration Tool does", () => {
    expect(authValue({ kind: "HttpHeader", headers: { "x-api-key": 'a"b' } })).toBe('<settings><setting name="x-api-key" value="a&quot;b" /></settings>');
    expect(authValue({ kind: "HttpQueryString", parameters: { key: "k" } })).toBe('<settings><setting name="key" value="k" /></settings>');
  });
});
