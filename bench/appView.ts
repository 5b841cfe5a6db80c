/**
 * `npm run bench:app`: a view page of the local model-driven app against the
 * Web API request that fills it. The same saved query, first page of 250 rows,
 * over 5,000 seeded engagements: the Web API's `fetchXml=` request with every
 * annotation (what a model-driven grid sends) and the app's whole
 * /main.aspx entity-list page (the grid, the total count, the view picker and
 * the table's charts beside it, as HTML). Both are called in-process, without
 * a socket, alternately, after warm-up runs; medians are printed. Not part of
 * `npm test`: figures are compared, never asserted.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { editFetchXml } from "../emulator/app/fetchEdit";
import { shippedSolution } from "../emulator/app/shipped";
import { createLocalDataverse } from "../emulator/server";
import { renderShell } from "../emulator/shell/routes";
import { API_ROOT } from "../emulator/webapi/webApi";
import { seed } from "./localDataverse";
import { median } from "./stats";

const RUNS = 21;
const WARMUPS = 3;
const VIEW = "Team active caseload by link worker";

async function main(): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-bench-app-"));
  const now = new Date();
  const dataverse = createLocalDataverse({ databaseFile: path.join(folder, "bench.db"), now: () => now });
  try {
    seed(dataverse.store, { engagements: 5000, sessionsPerEngagement: 6, runs: 0 }, now);
    dataverse.store.db.exec("ANALYZE");
    const view = shippedSolution().views.find((v) => v.name === VIEW);
    if (!view) throw new Error(`No view named ${VIEW}`);
    const fetchXml = editFetchXml(view.fetchXml, { page: { size: 250, number: 1 } });
    const apiCall = () => dataverse.api.handle({
      method: "GET",
      url: `${API_ROOT}${dataverse.store.metadata.require(view.table).entitySetName}?fetchXml=${encodeURIComponent(fetchXml)}`,
      headers: { accept: "application/json", prefer: 'odata.include-annotations="*"' },
      body: "",
    });
    const shell = { store: dataverse.store, api: dataverse.api, pipeline: dataverse.pipeline, now: () => now, sentMail: () => [], reset: () => Promise.resolve() };
    const pageCall = () => renderShell(shell, "GET", `/main.aspx?pagetype=entitylist&etn=${view.table}&viewid=${view.id}&pagesize=250`, "");

    const apiAnswer = await apiCall();
    const pageAnswer = await pageCall();
    const api = { status: apiAnswer.status, body: apiAnswer.body ?? "" };
    const page = { status: pageAnswer.status, body: pageAnswer.body ?? "" };
    const apiRows = (JSON.parse(api.body) as { value: unknown[] }).value.length;
    const pageRows = (page.body.match(/<tr><td data-label=/g) ?? []).length;
    if (api.status !== 200 || page.status !== 200 || apiRows !== 250 || pageRows !== 250) {
      throw new Error(`Expected 250 rows from both: Web API ${api.status} ${apiRows}, page ${page.status} ${pageRows}`);
    }
    const apiTimes: number[] = [];
    const pageTimes: number[] = [];
    for (let run = 0; run < WARMUPS + RUNS; run += 1) {
      for (const [call, times] of (run % 2 === 0 ? [[apiCall, apiTimes], [pageCall, pageTimes]] : [[pageCall, pageTimes], [apiCall, apiTimes]]) as [() => Promise<unknown>, number[]][]) {
        const start = process.hrtime.bigint();
        await call();
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (run >= WARMUPS) times.push(ms);
      }
    }
    const [apiMs, pageMs] = [median(apiTimes), median(pageTimes)];
    console.log(`View "${VIEW}", first page of 250 rows over 5,000 engagements (median of ${RUNS}, in-process):`);
    console.log(`  Web API fetchXml request with annotations: ${apiMs.toFixed(1)} ms (${(api.body.length / 1024).toFixed(0)} KB JSON)`);
    console.log(`  App entity-list page (grid, count, picker, charts): ${pageMs.toFixed(1)} ms (${(page.body.length / 1024).toFixed(0)} KB HTML)`);
    console.log(`  Ratio page / Web API: ${(pageMs / apiMs).toFixed(2)}×`);
  } finally {
    await dataverse.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
