import js from "@eslint/js";
import tseslint from "typescript-eslint";
import powerApps from "@microsoft/eslint-plugin-power-apps";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "out/", "dist/", ".data/", "**/generated/", "coverage/", "solution/src/Controls/", "*.js", "*.mjs", "scripts/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@microsoft/power-apps": powerApps },
    rules: {
      ...powerApps.configs.paCheckerHosted.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["test/**/*.ts", "test/**/*.tsx"],
    rules: { "@typescript-eslint/unbound-method": "off" },
  },
);
