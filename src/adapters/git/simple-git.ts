/**
 * GitPort over simple-git. Commits carry the action's own identity (runners have none configured) passed with
 * `-c` so the user's git config is never rewritten; pushes go through `origin` exactly as actions/checkout set it
 * up; when the branch moved, the commit is rebased onto it and the push retried. The one replacing push is of the
 * drift mode's own pull request branches (`pushFilesAsBranch`), with a lease on the tip the caller checked.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import type { CommitAndPushOptions, CommitAndPushResult, GitPort } from "./port.js";
import { GitOperationError } from "./port.js";

export interface GitIdentity {
  name: string;
  email: string;
}

/** The identity GitHub shows for GITHUB_TOKEN commits. */
export const GITHUB_ACTIONS_IDENTITY: GitIdentity = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com",
};

export interface SimpleGitPortOptions {
  repoDir: string;
  identity?: GitIdentity;
  log?: (message: string) => void;
  /**
   * Append-only files (the progress log) merged with git's `union` driver when a rebase meets a concurrent
   * append, so two runs' lines are both kept instead of conflicting. Set through a private attributes file.
   */
  unionMergePaths?: string[];
}

/**
 * Runs one merging git command with `-c core.attributesFile=<a private file naming the union paths>`; the file lives
 * only as long as the command (the repository's own attributes are never touched).
 */
async function withUnionAttributes<T>(
  paths: string[] | undefined,
  run: (config: string[]) => Promise<T>,
): Promise<T> {
  if (!paths?.length) return run([]);
  const dir = await mkdtemp(join(tmpdir(), "jobagent-git-"));
  try {
    const file = join(dir, "attributes");
    await writeFile(
      file,
      paths.map((p) => `/${p.replace(/^\/+/, "").replace(/ /g, "[[:space:]]")} merge=union\n`).join(""),
    );
    return await run(["-c", `core.attributesFile=${file}`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Push refused because the remote branch has commits we do not have (as opposed to a permission refusal). */
function branchMoved(message: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|incorrect old value|stale info/i.test(
    message,
  );
}

/** The remote declined the update itself (GitHub: GH006 protected branch, GH013 rulesets; any pre-receive hook). */
function remoteRefused(message: string): boolean {
  return /\[remote rejected\]|GH006|GH013|protected branch|hook declined/i.test(message);
}

/** What the remote said when it refused: its `remote:` lines and the reason git shows in parentheses. */
function refusalText(message: string): string {
  const said = message
    .split("\n")
    .filter((line) => /^remote:\s*\S/.test(line.trim()))
    .map((line) => line.trim().replace(/^remote:\s*/, ""));
  const why = /\[remote rejected\][^(]*\(([^)]*)\)/.exec(message)?.[1];
  return [...said, why].filter(Boolean).join("; ") || message.trim().split("\n")[0];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createSimpleGitPort(options: SimpleGitPortOptions): GitPort {
  const identity = options.identity ?? GITHUB_ACTIONS_IDENTITY;
  const log = options.log ?? (() => undefined);
  const config = [`user.name=${identity.name}`, `user.email=${identity.email}`, "commit.gpgsign=false"];
  const git: SimpleGit = simpleGit({ baseDir: options.repoDir, config });
  const merging = (args: string[]) =>
    withUnionAttributes(options.unionMergePaths, (extra) => git.raw([...extra, ...args]));

  async function rebaseOnto(branch: string): Promise<void> {
    await git.fetch("origin", branch);
    try {
      await merging(["rebase", `origin/${branch}`]);
    } catch (error) {
      const conflicted = (await git.status()).conflicted;
      await git.rebase(["--abort"]).catch(() => undefined);
      throw new GitOperationError(
        `rebasing onto origin/${branch} conflicted${conflicted.length ? ` in ${conflicted.join(", ")}` : ""}: ` +
          `someone changed the same files concurrently; re-run the workflow. (${errorText(error).split("\n")[0]})`,
        "conflict",
      );
    }
  }

  const lacks = async (ref: string) =>
    Number((await git.raw(["rev-list", "--count", `HEAD..${ref}`])).trim());
  const changedSince = async (base: string, ref: string) =>
    (await git.raw(["diff", "--name-only", "--no-renames", base, ref])).split("\n").filter(Boolean);

  /**
   * Merges a branch of the action's own state commits into HEAD. A file changed on both sides keeps HEAD's version
   * whole (a newer plan of that task: apply converges on it), never a line-by-line mix of two task files; the
   * append-only union paths keep the lines of both.
   */
  async function mergeStateBranch(ref: string, message: string) {
    if ((await lacks(ref)) === 0) return "up-to-date" as const;
    const base = (await git.raw(["merge-base", "HEAD", ref])).trim();
    const ours = new Set(await changedSince(base, "HEAD"));
    const union = new Set(options.unionMergePaths ?? []);
    const both = (await changedSince(base, ref)).filter((file) => ours.has(file) && !union.has(file));
    await merging(["merge", "--no-commit", "--no-ff", "-X", "ours", ref]).catch(() => "");
    for (const file of both) await git.raw(["checkout", "HEAD", "--", file]).catch(() => "");
    const unmerged = (await git.raw(["diff", "--name-only", "--diff-filter=U"])).trim();
    if (!unmerged) await git.raw(["commit", "--no-verify", "-m", message]).catch(() => "");
    if (!unmerged && (await lacks(ref)) === 0) {
      if (both.length) log(`kept this branch's version of ${both.join(", ")} (changed on both sides)`);
      return "merged" as const;
    }
    await git.raw(["merge", "--abort"]).catch(() => undefined);
    return "conflict" as const;
  }

  async function pushWithRetry(branch: string, maxAttempts: number): Promise<CommitAndPushResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        await git.push("origin", `HEAD:refs/heads/${branch}`);
        return { sha: (await git.revparse(["HEAD"])).trim(), attempts: attempt };
      } catch (error) {
        const text = errorText(error);
        if (remoteRefused(text)) {
          throw new GitOperationError(
            `origin refused the push to ${branch}: ${refusalText(text)}`,
            "refused",
          );
        }
        if (!branchMoved(text)) {
          throw new GitOperationError(`pushing to origin/${branch} failed: ${text.trim()}`, "failed");
        }
        if (attempt >= maxAttempts) {
          throw new GitOperationError(
            `pushing to origin/${branch} was rejected ${attempt} times because the branch kept moving; re-run the workflow`,
            "push-rejected",
          );
        }
        log(
          `origin/${branch} moved; rebasing and retrying the push (attempt ${attempt + 1} of ${maxAttempts})`,
        );
        await rebaseOnto(branch);
      }
    }
  }

  return {
    async remoteBranch(branch) {
      const ref = `refs/remotes/origin/${branch}`;
      const listed = (await git.raw(["ls-remote", "--heads", "origin", `refs/heads/${branch}`])).trim();
      if (!listed) return undefined;
      await git.raw(["fetch", "--quiet", "origin", `+refs/heads/${branch}:${ref}`]);
      const sha = (await git.revparse([ref])).trim();
      const commits = (await git.raw(["log", "--format=%H%x09%ae%x09%an%x09%s", ref, "--not", "HEAD"]))
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("\t"))
        .map(([commit = "", email = "", author = "", subject = ""]) => ({
          sha: commit,
          email,
          author,
          subject,
        }));
      const foreign = commits
        .filter((c) => c.email !== identity.email)
        .map(({ sha: commit, author, subject }) => ({ sha: commit, author, subject }));
      return { sha, foreign };
    },

    async pushFilesAsBranch({ branch, files, message, expected }) {
      const dir = await mkdtemp(join(tmpdir(), "jobagent-git-"));
      try {
        // A private index: the checkout's own index and working tree are never touched (only local plumbing
        // runs with it). simple-git drops the ambient GIT_* variables anyway and refuses some given explicitly.
        const env = Object.fromEntries(
          Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith("GIT_")),
        );
        const scratch = simpleGit({
          baseDir: options.repoDir,
          config,
          allowEnvironment: ["GIT_INDEX_FILE"],
        }).env({ ...env, GIT_INDEX_FILE: join(dir, "index") });
        await scratch.raw(["read-tree", "HEAD"]);
        let n = 0;
        for (const [path, text] of Object.entries(files)) {
          const blobFile = join(dir, `blob-${n++}`);
          await writeFile(blobFile, text);
          const blob = (await scratch.raw(["hash-object", "-w", blobFile])).trim();
          await scratch.raw(["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`]);
        }
        const tree = (await scratch.raw(["write-tree"])).trim();
        const commit = (await scratch.raw(["commit-tree", tree, "-p", "HEAD", "-m", message])).trim();
        try {
          await git.raw([
            "push",
            "--quiet",
            `--force-with-lease=refs/heads/${branch}:${expected ?? ""}`,
            "origin",
            `${commit}:refs/heads/${branch}`,
          ]);
        } catch (error) {
          const text = errorText(error);
          if (remoteRefused(text))
            throw new GitOperationError(
              `origin refused the push to ${branch}: ${refusalText(text)}`,
              "refused",
            );
          if (branchMoved(text))
            throw new GitOperationError(
              `origin/${branch} moved while this run prepared it (someone pushed to it); it was left as it is`,
              "push-rejected",
            );
          throw new GitOperationError(`pushing to origin/${branch} failed: ${text.trim()}`, "failed");
        }
        return { sha: commit, attempts: 1 };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async mergeFromOrigin(branch) {
      try {
        await git.fetch("origin", branch);
      } catch {
        return "absent";
      }
      return mergeStateBranch(`origin/${branch}`, `jobagent: read the task states of ${branch} [skip ci]`);
    },

    pushHead: (branch, maxAttempts = 5) => pushWithRetry(branch, maxAttempts),

    async recentMerges(limit) {
      const out = await git.raw([
        "log",
        "--first-parent",
        `--max-count=${limit * 2}`,
        "--format=%H%x09%ae%x09%s",
        "HEAD",
      ]);
      return out
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("\t"))
        .filter(([, email, subject = ""]) => !(email === identity.email && subject.includes("[skip ci]")))
        .map(([sha]) => sha)
        .slice(0, limit);
    },

    async headSha() {
      return (await git.revparse(["HEAD"])).trim();
    },

    async changedFilesSince(baseSha) {
      const out = await git.raw(["diff", "--name-only", "--no-renames", `${baseSha}...HEAD`]);
      return out
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
    },

    async checkoutBranch(branch) {
      await git.fetch("origin", branch);
      await git.raw(["checkout", "-q", "-B", branch, `origin/${branch}`]);
      return (await git.revparse(["HEAD"])).trim();
    },

    async headIsOnBranch(branch) {
      await git.fetch("origin", branch);
      // Commits of HEAD that origin/<branch> lacks (simple-git does not reject a silent non-zero exit, so
      // `merge-base --is-ancestor` cannot be used here).
      const extra = await git.raw(["rev-list", "--count", "HEAD", `^origin/${branch}`]);
      return Number(extra.trim()) === 0;
    },

    async fastForwardOverOwnCommits(branch) {
      await git.fetch("origin", branch);
      const upstream = `origin/${branch}`;
      const missing = (await git.raw(["rev-list", "--format=%ae%x09%s", `HEAD..${upstream}`]))
        .split("\n")
        .filter((line) => line && !line.startsWith("commit "));
      if (missing.length === 0) return 0;
      const isAncestor = await git
        .raw(["merge-base", "--is-ancestor", "HEAD", upstream])
        .then(() => true)
        .catch(() => false);
      const allOwn = missing.every((line) => {
        const [email, subject = ""] = line.split("\t");
        return email === identity.email && subject.includes("[skip ci]");
      });
      if (!isAncestor || !allOwn) return 0;
      await git.raw(["merge", "--ff-only", upstream]);
      return missing.length;
    },

    async commitAndPush({
      paths,
      message,
      branch,
      maxAttempts = 5,
    }: CommitAndPushOptions): Promise<CommitAndPushResult> {
      const status = await git.status(["--", ...paths]);
      if (status.files.length === 0) return { attempts: 0 };
      await git.add(["--all", "--", ...paths]);
      const staged = (await git.diff(["--cached", "--name-only", "--", ...paths])).trim();
      if (!staged) return { attempts: 0 };
      await git.commit(message, undefined, { "--no-verify": null });

      return pushWithRetry(branch, maxAttempts);
    },
  };
}
