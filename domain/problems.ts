/**
 * A rule that rejects input says every reason at once, in plain words, so a
 * link worker can fix everything in one pass. Codes are stable for tests and
 * translation; messages never contain personal data.
 */
export interface Problem {
  readonly code: string;
  readonly message: string;
}

export class RuleViolation extends Error {
  readonly problems: readonly Problem[];
  constructor(summary: string, problems: readonly Problem[]) {
    super(`${summary}: ${problems.map((p) => p.message).join("; ")}`);
    this.name = "RuleViolation";
    this.problems = problems;
  }
}

export function throwIfAny(summary: string, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new RuleViolation(summary, problems);
}
