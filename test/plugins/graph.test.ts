import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { type GraphStandIn, startGraphStandIn } from "../../emulator/graph-stand-in";
import { AttendanceValues, ClosureReasonValues } from "../../solution/generated/dataverse";
import { CLOSURE_EVENT } from "../../plugins/steps/afterClosure";
import { type FakeDataverse, startFakeDataverse } from "./support/fakeDataverse";
import { ids, seedEngagement, stepName } from "./support/harness";
import { asDataverseJson, option, ref, remoteExecutionContext } from "./support/remoteContext";

/**
 * The service as deployed (`npm run webhook`'s entry, in its own process)
 * with the real Microsoft Graph client against the local Graph stand-in,
 * trusted through NODE_EXTRA_CA_CERTS as a deployment behind a private CA would be.
 */
const KEY = "graph-test-key-0123456789";
const SENDER = "outcomes@example.org";
let dataverse: FakeDataverse;
let graph: GraphStandIn;
let service: ChildProcess;
let webhookUrl: string;
let output = "";

beforeAll(async () => {
  dataverse = await startFakeDataverse();
  graph = await startGraphStandIn();
  const root = path.resolve(__dirname, "../..");
  service = spawn(process.execPath, [require.resolve("tsx/cli"), "plugins/host/server.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PLUGIN_PORT: "0",
      SPRX_WEBHOOK_KEY: KEY,
      SPRX_DATAVERSE_URL: dataverse.url,
      SPRX_DATAVERSE_AUTH: "none",
      SPRX_GRAPH_BASE_URL: graph.url,
      SPRX_GRAPH_SENDER: SENDER,
      NODE_EXTRA_CA_CERTS: graph.caCertPath,
    },
  });
  service.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  webhookUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${output}`)), 20_000);
    service.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    service.on("exit", () => reject(new Error(`service exited: ${output}`)));
  });
}, 30_000);

afterAll(async () => {
  service?.kill("SIGTERM");
  await graph?.close();
  await dataverse?.close();
});

const deliver = async (spec: Parameters<typeof remoteExecutionContext>[0]) => {
  const response = await fetch(`${webhookUrl}?code=${KEY}`, { method: "POST", body: asDataverseJson(remoteExecutionContext(spec)) });
  return response.status;
};

function closure(engagementId: string) {
  return {
    message: "Update", table: "sprx_engagement", id: engagementId, stage: 40, mode: 1,
    target: { statecode: option(1) }, postImage: { statecode: option(1) }, operationCreatedOn: new Date(Date.now() - 1000),
    stepName: stepName("afterClosure", "Update", "sprx_engagement"),
  } as const;
}

function seedClosed(engagementId: string) {
  seedEngagement(dataverse, {
    statecode: 1, statuscode: 2, sprx_closurereason: ClosureReasonValues.redirected, sprx_sessionsattended: 4,
    sprx_consenttoshare: true, sprx_referreremail: "referrer@example.nhs.uk", sprx_nextsteps: "Join the walking group",
  }, engagementId);
  dataverse.insert("contacts", { contactid: ids.contact, fullname: "Sam Person" });
}

describe("the real Graph client against the stand-in", () => {
  it("sends the closure summary once, by POST /v1.0/users/{sender}/sendMail with a bearer token, through retried deliveries", async () => {
    const engagementId = "e0e0e0e0-0000-4000-8000-0000000000a1";
    seedClosed(engagementId);
    expect(await deliver(closure(engagementId))).toBe(200);
    expect(await deliver(closure(engagementId))).toBe(200);

    const mails = graph.received.filter((r) => r.path.endsWith("/sendMail"));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ method: "POST", path: `/v1.0/users/${encodeURIComponent(SENDER)}/sendMail`, bearer: true, status: 202 });
    const body = mails[0].body as { message: { subject: string; body: { contentType: string; content: string }; toRecipients: { emailAddress: { address: string } }[] } };
    expect(body.message.toRecipients).toEqual([{ emailAddress: { address: "referrer@example.nhs.uk" } }]);
    expect(body.message.body.contentType).toBe("HTML");
    expect(body.message.body.content).toContain("Join the walking group");
    expect(dataverse.actions.filter((a) => a.body.EngagementId === engagementId).map((a) => a.name)).toEqual([CLOSURE_EVENT]);
  });

  it("answers 503 while Graph is down and sends on Dataverse's retry, never twice", async () => {
    const engagementId = "e0e0e0e0-0000-4000-8000-0000000000a2";
    seedClosed(engagementId);
    const before = graph.received.length;
    graph.failNext(1, 503);
    expect(await deliver(closure(engagementId))).toBe(503);
    expect(dataverse.row("sprx_engagements", engagementId)?.sprx_referrernotifiedon).toBeNull();
    expect(await deliver(closure(engagementId))).toBe(200);
    expect(await deliver(closure(engagementId))).toBe(200);
    const attempts = graph.received.slice(before).filter((r) => r.path.endsWith("/sendMail")).map((r) => r.status);
    expect(attempts).toEqual([503, 202]);
    expect(dataverse.actions.filter((a) => a.body.EngagementId === engagementId)).toHaveLength(1);
  });

  it("reads the link worker's free/busy with getSchedule and plans around it", async () => {
    const engagementId = "e0e0e0e0-0000-4000-8000-0000000000a3";
    seedEngagement(dataverse, {}, engagementId);
    dataverse.insert("systemusers", { systemuserid: ids.owner, internalemailaddress: "worker@example.org" });
    const attendedAt = new Date();
    attendedAt.setUTCHours(attendedAt.getUTCHours() - 1, 0, 0, 0);
    dataverse.insert("appointments", { activityid: ids.session(90), scheduledstart: attendedAt.toISOString(), sprx_attendance: AttendanceValues.attended, statecode: 1, _regardingobjectid_value: engagementId });
    graph.setBusy([{ start: new Date(Date.now()).toISOString(), end: new Date(Date.now() + 30 * 86_400_000).toISOString() }]);

    const status = await deliver({
      message: "Update", table: "appointment", id: ids.session(90), stage: 40, mode: 1,
      target: { sprx_attendance: option(AttendanceValues.attended) },
      postImage: { regardingobjectid: ref("sprx_engagement", engagementId), sprx_attendance: option(AttendanceValues.attended), ownerid: ref("systemuser", ids.owner) },
      stepName: stepName("nextSessionSuggestion", "Update", "appointment"),
    });
    expect(status).toBe(200);
    const request = graph.received.find((r) => r.path.endsWith("/calendar/getSchedule"));
    expect(request).toMatchObject({ method: "POST", path: `/v1.0/users/${encodeURIComponent(SENDER)}/calendar/getSchedule`, bearer: true, status: 200 });
    expect((request?.body as { schedules: string[] }).schedules).toEqual(["worker@example.org"]);
    // Busy for the whole pacing window: the graph-sourced suggestion offers no slot rather than a clash.
    const suggestion = JSON.parse(dataverse.row("sprx_engagements", engagementId)?.sprx_suggestedslots as string) as { source: string; slots: unknown[] };
    expect(suggestion).toEqual(expect.objectContaining({ source: "graph", slots: [] }));
  });
});
