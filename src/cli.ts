// CLI entry (bin: jobagent). The Node version is checked before anything else is loaded: the bundles are built for
// Node 24 (engines), and an older Node fails while linking them with an error that names no way out.
const NEED_MAJOR = 24;
const major = Number(process.versions.node.split(".")[0]);

if (major < NEED_MAJOR) {
  console.error(
    `jobagent needs Node.js ${NEED_MAJOR} or newer; this is Node.js ${process.versions.node}. ` +
      `Install Node.js ${NEED_MAJOR} (nodejs.org, or \`nvm install ${NEED_MAJOR}\`), or add it to the project: ` +
      `\`npm install --save-dev node@${NEED_MAJOR}\`, after which \`npx jobagent …\` and npm scripts run on it.`,
  );
  process.exitCode = 2;
} else {
  const { main } = await import("./cli/main.js");
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 2;
    },
  );
}
