import { type TestEnvironment, idFrom, startTestDataverse } from "./support/localDataverse";
import { registerEndpoint, registerStep } from "./support/registration";
import { type WebhookReceiver, startWebhookReceiver } from "./support/webhookReceiver";

let env: TestEnvironment;
let hook: WebhookReceiver;
let endpointId: string;

beforeEach(async () => {
  env = await startTestDataverse({ asyncRetries: 1, asyncRetryDelayMs: 5 });
  hook = await startWebhookReceiver();
  endpointId = await registerEndpoint(env, hook.url);
});
afterEach(async () => {
  await env.close();
  await hook.close();
});

const idle = () => env.request("GET", "/_emulator/idle");
const contactCount = async () => (await env.request("GET", "contacts?$count=true")).json["@odata.count"];

describe("synchronous steps", () => {
  it.each([10, 20, 40] as const)("a failing stage %i step rolls back the write and answers 400 0x80040265 with the step's text", async (stage) => {
    await registerStep(env, endpointId, { name: `refuse-${stage}`, message: "Create", table: "contact", stage, mode: 0 });
    hook.answer(`refuse-${stage}`, { status: 400, body: "A person needs a last name." });
    const response = await env.request("POST", "contacts", { firstname: "Vic" });
    expect(response.status).toBe(400);
    expect(response.json.error).toEqual({ code: "0x80040265", message: "A person needs a last name." });
    expect(await contactCount()).toBe(0);
    expect(hook.deliveries).toHaveLength(1);
    expect(hook.deliveries[0].context).toMatchObject({ Stage: stage, Mode: 0, IsInTransaction: stage !== 10 });
  });

  it("a failing PostOperation step undoes the writes its own earlier steps made in the transaction", async () => {
    await registerStep(env, endpointId, { name: "writes-back", message: "Create", table: "contact", stage: 20, mode: 0 });
    await registerStep(env, endpointId, { name: "refuses", message: "Create", table: "contact", stage: 40, mode: 0 });
    hook.answer("writes-back", async (delivery) => {
      // The call back creates a contact too, which fires this step again: only the first level writes.
      if (delivery.context.Depth > 1) return { status: 200 };
      // A step calling back with the operation's correlation joins its transaction.
      const made = await env.request("POST", "contacts", { firstname: "Side", lastname: "Effect" }, { "x-ms-correlation-request-id": String(delivery.context.CorrelationId) });
      return made.status === 204 ? { status: 200 } : { status: 500, body: made.text };
    });
    hook.answer("refuses", { status: 409, body: JSON.stringify({ error: { message: "Refused after the fact." } }) });
    const response = await env.request("POST", "contacts", { firstname: "Wes", lastname: "Person" });
    expect(response.json.error).toEqual({ code: "0x80040265", message: "Refused after the fact." });
    expect(await contactCount()).toBe(0);
  });
});

describe("asynchronous steps", () => {
  it("are delivered after commit as RemoteExecutionContext JSON with the documented shape", async () => {
    await registerStep(env, endpointId, {
      name: "after-update", message: "Update", table: "contact", stage: 40, mode: 1, filteringAttributes: "telephone1",
      images: [{ alias: "PreImage", imagetype: 0, attributes: "telephone1,firstname" }, { alias: "PostImage", imagetype: 1 }],
    });
    let rowAtDelivery: unknown;
    hook.answer("after-update", async (delivery) => {
      rowAtDelivery = (await env.request("GET", `contacts(${String(delivery.context.PrimaryEntityId)})?$select=telephone1`)).json.telephone1;
      return { status: 200 };
    });
    const id = idFrom(await env.request("POST", "contacts", { firstname: "Xan", lastname: "Person", telephone1: "1" }));
    expect((await env.request("PATCH", `contacts(${id})`, { telephone1: "2" })).status).toBe(204);
    await idle();
    expect(hook.deliveries).toHaveLength(1);
    const [delivery] = hook.deliveries;
    expect(rowAtDelivery).toBe("2");
    expect(delivery.url.searchParams.get("code")).toBe("test-key");
    expect(delivery.headers["x-ms-dynamics-entity-name"]).toBe("contact");
    expect(delivery.headers["x-ms-dynamics-request-name"]).toBe("Update");
    expect(delivery.headers["x-ms-correlation-request-id"]).toBe(delivery.context.CorrelationId);
    expect(delivery.rawBody).toMatch(/"OperationCreatedOn":"\\\/Date\(\d+\)\\\/"/);
    expect(delivery.context).toMatchObject({
      MessageName: "Update", Stage: 40, Mode: 1, Depth: 1, PrimaryEntityName: "contact", PrimaryEntityId: id,
      OwningExtension: { LogicalName: "sdkmessageprocessingstep", Name: "after-update" },
      InputParameters: [{ key: "Target", value: { __type: "Entity:http://schemas.microsoft.com/xrm/2011/Contracts", LogicalName: "contact", Id: id } }],
    });
    const target = (delivery.context.InputParameters as { value: { Attributes: { key: string; value: unknown }[] } }[])[0].value;
    expect(target.Attributes).toEqual(expect.arrayContaining([{ key: "telephone1", value: "2" }]));
    const pre = (delivery.context.PreEntityImages as { key: string; value: { Attributes: { key: string; value: unknown }[] } }[])[0];
    expect(pre.key).toBe("PreImage");
    expect(pre.value.Attributes.map((a) => a.key).sort()).toEqual(["firstname", "telephone1"]);
    expect(pre.value.Attributes).toContainEqual({ key: "telephone1", value: "1" });
    const post = (delivery.context.PostEntityImages as { key: string; value: { Attributes: { key: string; value: unknown }[] } }[])[0];
    expect(post.value.Attributes).toContainEqual({ key: "statecode", value: { __type: "OptionSetValue:http://schemas.microsoft.com/xrm/2011/Contracts", Value: 0 } });
    const owner: unknown = expect.objectContaining({ __type: "EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts", LogicalName: "systemuser" });
    expect(post.value.Attributes).toContainEqual({ key: "ownerid", value: owner });
    const wcfDate: unknown = expect.stringMatching(/^\/Date\(\d+\)\/$/);
    expect(post.value.Attributes).toContainEqual({ key: "createdon", value: wcfDate });
  });

  it("honour filtering attributes: an update of other columns does not fire the step", async () => {
    await registerStep(env, endpointId, { name: "phone-only", message: "Update", table: "contact", stage: 40, mode: 1, filteringAttributes: "telephone1" });
    const id = idFrom(await env.request("POST", "contacts", { firstname: "Yan", lastname: "Person" }));
    await env.request("PATCH", `contacts(${id})`, { firstname: "Yannick" });
    await idle();
    expect(hook.deliveries).toHaveLength(0);
    await env.request("PATCH", `contacts(${id})`, { telephone1: "3", firstname: "Yan" });
    await idle();
    expect(hook.deliveries.map((d) => d.context.OwningExtension.Name)).toEqual(["phone-only"]);
  });

  it("are not delivered when the operation rolls back", async () => {
    await registerStep(env, endpointId, { name: "async-create", message: "Create", table: "contact", stage: 40, mode: 1 });
    await registerStep(env, endpointId, { name: "sync-refuse", message: "Create", table: "contact", stage: 40, mode: 0 });
    hook.answer("sync-refuse", { status: 400, body: "no" });
    expect((await env.request("POST", "contacts", { firstname: "Zed" })).status).toBe(400);
    await idle();
    expect(hook.deliveries.map((d) => d.context.OwningExtension.Name)).toEqual(["sync-refuse"]);
  });

  it("are retried once on 503 and recorded as succeeded", async () => {
    await registerStep(env, endpointId, { name: "flaky", message: "Create", table: "contact", stage: 40, mode: 1 });
    let calls = 0;
    hook.answer("flaky", () => ({ status: ++calls === 1 ? 503 : 200 }));
    await env.request("POST", "contacts", { firstname: "Abe" });
    await idle();
    expect(calls).toBe(2);
    const runs = await env.request("GET", "/_emulator/async");
    expect(runs.json.value).toEqual([expect.objectContaining({ stepName: "flaky", status: "succeeded", attempts: 2 })]);
    const operations = await env.request("GET", "asyncoperations?$select=name,statecode,statuscode,retrycount");
    expect(operations.json.value).toEqual([expect.objectContaining({ name: "flaky", statecode: 3, statuscode: 30, retrycount: 1 })]);
  });

  it("that keep failing are visible as failed async operations with the step's message", async () => {
    await registerStep(env, endpointId, { name: "down", message: "Create", table: "contact", stage: 40, mode: 1 });
    hook.answer("down", { status: 503, body: "Service unavailable" });
    await env.request("POST", "contacts", { firstname: "Bo" });
    await idle();
    expect(hook.deliveries).toHaveLength(2);
    const operations = await env.request("GET", "asyncoperations?$select=name,statuscode,message&$filter=statuscode eq 31");
    expect(operations.json.value).toEqual([expect.objectContaining({ name: "down", message: "Service unavailable" })]);
    expect(await contactCount()).toBe(1);
  });
});

describe("depth and the loop guard", () => {
  it("a step's call back carries Depth + 1, and a loop stops past depth 8", async () => {
    await registerStep(env, endpointId, { name: "echo", message: "Update", table: "contact", stage: 40, mode: 1, filteringAttributes: "telephone1" });
    const answers: number[] = [];
    hook.answer("echo", async (delivery) => {
      const next = await env.request("PATCH", `contacts(${String(delivery.context.PrimaryEntityId)})`, { telephone1: String(delivery.context.Depth) }, {
        "x-ms-correlation-request-id": String(delivery.context.CorrelationId),
      });
      answers.push(next.status);
      if (next.status !== 204) expect(next.json.error?.code).toBe("0x80044182");
      return { status: 200 };
    });
    const id = idFrom(await env.request("POST", "contacts", { firstname: "Cy" }));
    await env.request("PATCH", `contacts(${id})`, { telephone1: "start" });
    await idle();
    expect(hook.deliveries.map((d) => d.context.Depth)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(answers).toEqual([204, 204, 204, 204, 204, 204, 204, 400]);
    expect((await env.request("GET", `contacts(${id})?$select=telephone1`)).json.telephone1).toBe("7");
  });
});

describe("service endpoint authentication", () => {
  it("sends HttpHeader settings as headers and HttpQueryString settings as query parameters", async () => {
    const headerEndpoint = await registerEndpoint(env, hook.url, { authtype: 5, authvalue: '<settings><setting name="x-api-key" value="header-secret" /></settings>' });
    const queryEndpoint = await registerEndpoint(env, hook.url, { authtype: 6, authvalue: '<settings><setting name="code" value="query-secret" /></settings>' });
    await registerStep(env, headerEndpoint, { name: "by-header", message: "Create", table: "contact", stage: 40, mode: 0 });
    await registerStep(env, queryEndpoint, { name: "by-query", message: "Create", table: "contact", stage: 40, mode: 0 });
    await env.request("POST", "contacts", { firstname: "Di" });
    const byName = new Map(hook.deliveries.map((d) => [d.context.OwningExtension.Name, d]));
    expect(byName.get("by-header")?.headers["x-api-key"]).toBe("header-secret");
    expect(byName.get("by-query")?.url.searchParams.get("code")).toBe("query-secret");
  });

  it("leaves InputParameters and images out of a context over 256 KB and says so in a header", async () => {
    // Solution columns are capped at 4,000 characters; a service endpoint's description is not.
    await registerStep(env, endpointId, { name: "big", message: "Create", table: "serviceendpoint", stage: 40, mode: 0, images: [{ alias: "PostImage", imagetype: 1 }] });
    const response = await env.request("POST", "serviceendpoints", { name: "large", contract: 8, url: "https://example.invalid/", authtype: 4, authvalue: "k", description: "y".repeat(300_000) });
    expect(response.status).toBe(204);
    const [delivery] = hook.deliveries;
    expect(delivery.headers["x-ms-dynamics-msg-size-exceeded"]).toBe("true");
    expect(delivery.context.InputParameters).toEqual([]);
    expect(delivery.context.PostEntityImages).toEqual([]);
  });
});
