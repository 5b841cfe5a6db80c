/** Node for the domain, plugins, solution and local Dataverse; jsdom for the controls. */
const transform = {
  "^.+\\.tsx?$": ["ts-jest", { tsconfig: { module: "commonjs", jsx: "react", esModuleInterop: true, isolatedModules: true } }],
};

/** @type {import('jest').Config} */
module.exports = {
  // Tests share a 2-core machine with other work: a generous limit, never a timed assertion.
  testTimeout: 60_000,
  projects: [
    {
      displayName: "node",
      testEnvironment: "node",
      transform,
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/components/", "<rootDir>/test/e2e/"],
    },
    {
      displayName: "components",
      testEnvironment: "jsdom",
      transform,
      testMatch: ["<rootDir>/test/components/**/*.test.ts?(x)"],
    },
  ],
};
