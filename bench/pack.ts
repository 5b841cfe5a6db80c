import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unzipSync, zipSync } from "fflate";
import { packSolution } from "../solution/codegen/package";
import type { Section } from "./report";
import { median } from "./stats";

const REPO_ROOT = path.resolve(__dirname, "..");

/**
 * The packer's function, into a temporary folder, `runs` times; compared with
 * zipping the very same files alone, which is the floor any packer pays.
 */
export function benchPack(runs: number): Section {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sprx-bench-pack-"));
  try {
    const options = { componentsDir: path.join(REPO_ROOT, "components"), builtControlsDir: path.join(REPO_ROOT, "out", "controls"), outDir, managed: false };
    packSolution(options);
    const packTimes: number[] = [];
    let zipPath = "";
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      zipPath = packSolution(options).zipPath;
      packTimes.push(performance.now() - started);
    }
    const files = unzipSync(fs.readFileSync(zipPath));
    const zipTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      zipSync(files, { level: 6 });
      zipTimes.push(performance.now() - started);
    }
    const pack = median(packTimes);
    const zip = median(zipTimes);
    const bytes = fs.statSync(zipPath).size;
    return {
      name: "pack",
      figures: [{
        area: "Solution",
        figure: `Pack time (median of ${runs}, ${Object.keys(files).length} files, ${(bytes / 1024).toFixed(0)} KB zip)`,
        value: `${pack.toFixed(0)} ms`,
        comparedWith: `zipping the same files alone ${zip.toFixed(0)} ms`,
        ratio: pack / zip,
      }],
      data: { packMs: packTimes, zipOnlyMs: zipTimes, files: Object.keys(files).length, zipBytes: bytes },
      method: "packSolution() (the function behind `npm run pack`) into a temporary folder, after one warm-up run.",
    };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
