import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type TestEnvironment, startTestDataverse } from "../emulator/support/localDataverse";
import { newEngagement } from "./support/engagements";
import { type FaultEnvironment, startFaultEnvironment } from "./support/environment";

/** Smaller guarantees: rollups from an engagement's creation, database files readable by their owner only. */

jest.setTimeout(60_000);

describe("an engagement's rollups", () => {
  let faults: FaultEnvironment;
  beforeAll(async () => {
    faults = await startFaultEnvironment();
  });
  afterAll(() => faults.close());

  it("are stored from its creation, before any session", async () => {
    const { engagementId } = await newEngagement(faults.env);
    await faults.idle();
    const row = (await faults.env.request("GET", `sprx_engagements(${engagementId})?$select=sprx_sessionsattended,sprx_sessionsdna,sprx_consecutivedna,sprx_sessionsbooked,sprx_stage`)).json;
    expect(row).toMatchObject({ sprx_sessionsattended: 0, sprx_sessionsdna: 0, sprx_consecutivedna: 0, sprx_sessionsbooked: 0 });
    expect(row.sprx_stage).not.toBeNull();
  });
});

describe("the database files", () => {
  let folder: string;
  let env: TestEnvironment;
  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-mode-"));
    env = await startTestDataverse({ databaseFile: path.join(folder, "data", "sprx.db") });
    expect((await env.request("POST", "contacts", { lastname: "Mode" })).status).toBe(204);
  });
  afterAll(async () => {
    await env.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it("are readable and writable by their owner only, the folder too", () => {
    const files = fs.readdirSync(path.join(folder, "data")).filter((name) => name.startsWith("sprx.db"));
    expect(files).toEqual(expect.arrayContaining(["sprx.db", "sprx.db-wal"]));
    for (const name of files) expect(fs.statSync(path.join(folder, "data", name)).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(folder, "data")).mode & 0o077).toBe(0);
  });
});
