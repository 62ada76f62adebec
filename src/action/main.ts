import * as core from "@actions/core";

/** The action's single entry point. Implemented by the GitHub Action component. */
export async function run(): Promise<void> {
  core.setFailed("not implemented yet");
}
