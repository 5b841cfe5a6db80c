import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../plugins/importServices";
import { readServicesCsv } from "../../plugins/directory/serviceRows";
import { ReferralRouteValues, ServiceCategoryValues, ServiceCostValues } from "../../solution/generated/dataverse";
import { type TestEnvironment, startTestDataverse } from "../emulator/support/localDataverse";

/** Importing a CSV of community services through the Web API (issue 15). */

const EXAMPLE = path.join(__dirname, "..", "..", "docs", "examples", "community-services.csv");
let env: TestEnvironment;
let directory: string;
beforeAll(async () => {
  env = await startTestDataverse();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-import-"));
});
afterAll(async () => {
  await env.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

const run = async (file: string, ...extra: string[]) => {
  const output: string[] = [];
  const code = await main(["--url", env.dataverse.url(), file, ...extra], { SPRX_DATAVERSE_AUTH: "none" }, (line) => output.push(line));
  return { code, output: output.join("\n") };
};
const services = async () => (await env.request("GET", "sprx_communityservices?$select=sprx_name,sprx_category,sprx_cost,sprx_referralroute,_sprx_providerid_value&$orderby=sprx_name")).json.value ?? [];

describe("npm run import:services", () => {
  it("reads labels as the app shows them, in any heading order and case", () => {
    const read = readServicesCsv("category,SERVICE,cost\nHousing,Tenancy help,free\n");
    expect(read.problems).toEqual([]);
    expect(read.rows[0].columns).toEqual({ sprx_name: "Tenancy help", sprx_category: ServiceCategoryValues.housing, sprx_cost: ServiceCostValues.free });
  });

  it("imports the example file, creating providers once; a second run updates the same rows instead of adding copies", async () => {
    const first = await run(EXAMPLE);
    expect(first).toMatchObject({ code: 0 });
    expect(first.output).toContain("3 created, 0 updated, 3 new provider(s).");
    const rows = await services();
    expect(rows.map((r) => r.sprx_name)).toEqual(["Pension Credit Check", "Saturday Park Run Walkers", "Wednesday Sewing Circle"]);
    expect(rows[0]).toMatchObject({ sprx_category: ServiceCategoryValues.moneyDebtBenefits, sprx_referralroute: ReferralRouteValues.formalReferral });
    expect(rows.every((r) => typeof r._sprx_providerid_value === "string")).toBe(true);
    const again = await run(EXAMPLE);
    expect(again.output).toContain("0 created, 3 updated, 0 new provider(s).");
    expect(await services()).toHaveLength(3);
  });

  it("lists every problem in a bad file and writes nothing", async () => {
    const file = path.join(directory, "bad.csv");
    fs.writeFileSync(file, "Service,Category,Cost,Review date,Colour\nChoir,Singing,free,2027-02-30,red\n,Housing,,,\n");
    const before = (await services()).length;
    const result = await run(file);
    expect(result.code).toBe(1);
    expect(result.output).toContain("Nothing was imported");
    expect(result.output).toContain('Unknown column "colour"');
    expect(result.output).toContain('Line 2: "Singing" is not a category');
    expect(result.output).toContain('Line 2: review date "2027-02-30" is not a date');
    expect(result.output).toContain("Line 3: service is required");
    expect(await services()).toHaveLength(before);
  });
});
