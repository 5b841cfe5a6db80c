import * as fs from "node:fs";
import * as path from "node:path";
import { ROLES } from "../../solution/security";
import { roleMatrix, withRoleMatrix } from "../../scripts/roleMatrix";

const README = path.resolve(__dirname, "../../README.md");

describe("the README's role matrix", () => {
  it("is the one generated from solution/security.ts (run npm run generate:roles after changing a role)", () => {
    const readme = fs.readFileSync(README, "utf8");
    expect(withRoleMatrix(readme)).toBe(readme);
  });

  it("has a table per shipped role, each privilege at its depth", () => {
    const matrix = roleMatrix();
    for (const role of ROLES) expect(matrix).toContain(`**${role.name}**`);
    expect(matrix).toMatch(/\| `sprx_engagement` \| User \| User \| User \| — \| User \| User \| — \| User \|/);
    expect(withRoleMatrix(`a\n${matrix.replace("| User |", "| Organisation |")}\nb`)).toBe(`a\n${matrix}\nb`);
  });
});
