import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

/** The local Dataverse in a child process (support/dataverseProcess.ts), to be killed with SIGKILL and started again. */

const REPO_ROOT = path.resolve(__dirname, "../../..");

export interface ChildDataverse {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
}

export function startChildDataverse(file: string, port = 0, env: Record<string, string> = {}): Promise<ChildDataverse> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "dataverseProcess.ts"), file, String(port)], {
    cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listening (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(output);
      if (match) resolve({ child, url: match[1], port: Number(match[2]) });
    });
    child.once("exit", (code) => reject(new Error(`The local Dataverse stopped during start-up (${String(code)})`)));
  });
}

export function killHard(running: ChildDataverse): Promise<void> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null || running.child.signalCode !== null) return resolve();
    running.child.once("exit", () => resolve());
    running.child.kill("SIGKILL");
  });
}
