import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "test-output/", "docs-html/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly",
        setImmediate: "readonly", clearImmediate: "readonly", queueMicrotask: "readonly",
        AbortController: "readonly", AbortSignal: "readonly", performance: "readonly",
        URL: "readonly", Buffer: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // The dashboard's page: plain browser JavaScript.
    files: ["examples/dashboard/public/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: { window: "readonly", document: "readonly", io: "readonly", uPlot: "readonly" },
    },
  },
);
