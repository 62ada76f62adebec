/**
 * The architecture's rules (docs/architecture.md), checked in CI by `npm run lint:deps`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "No import cycles anywhere in src/.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment:
        "src/domain holds pure knowledge and rules: it imports nothing outside itself but pure libraries (no I/O, no adapters, no personas).",
      from: { path: "^src/domain/" },
      to: {
        pathNot: "^src/domain/",
        dependencyTypesNot: ["npm", "npm-dev", "npm-optional", "npm-peer", "core", "type-only"],
      },
    },
    {
      name: "domain-no-node-io",
      severity: "error",
      comment: "src/domain does no I/O: no fs, no network, no child processes.",
      from: { path: "^src/domain/" },
      to: {
        dependencyTypes: ["core"],
        path: "^(node:)?(fs|fs/promises|net|http|https|child_process|dgram|tls)$",
      },
    },
    {
      name: "dev-tools-not-in-runtime",
      severity: "error",
      comment:
        "The local workspace, evaluation and benchmarks are development tools: runtime code never imports them.",
      from: { path: "^src/", pathNot: ["^src/dev/", "^src/cli/"] },
      to: { path: "^src/dev/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "cli-loads-dev-tools-lazily",
      severity: "error",
      comment:
        "The CLI's demo, eval and local-workspace commands load development tools with a dynamic import, so `--help` and real-workspace commands never pay for them.",
      from: { path: "^src/cli/", pathNot: "^src/cli/(demo|eval)\\.ts$" },
      to: {
        path: ["^src/dev/", "^src/cli/(demo|eval)\\.ts$"],
        dependencyTypesNot: ["type-only", "dynamic-import"],
      },
    },
    {
      name: "action-bundle-has-no-dev-tools",
      severity: "error",
      comment: "Nothing the action entry reaches (dist/index.js) is a development tool.",
      from: { path: "^src/index\\.ts$" },
      to: { path: "^src/dev/", reachable: true },
    },
    {
      name: "adapters-are-leaves",
      severity: "error",
      comment: "Adapters talk to the outside world; they know the domain but not the personas or the flows.",
      from: { path: "^src/adapters/" },
      to: { path: "^src/(techlead|worker|state|engine|action|cli)/" },
    },
    {
      name: "personas-not-entry-points",
      severity: "error",
      comment: "Nothing below the entry points imports the CLI or the action.",
      from: { path: "^src/", pathNot: "^src/(cli|action)/|^src/(cli|index)\\.ts$" },
      to: { path: "^src/(cli|action)/" },
    },
    {
      name: "worker-does-not-load-the-llm",
      severity: "error",
      comment: "The Worker validates, plans and applies task files; it never loads the Tech Lead's LLM code.",
      from: { path: "^src/worker/" },
      to: { path: "^src/techlead/llm/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
