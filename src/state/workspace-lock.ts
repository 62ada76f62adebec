/**
 * The apply lock lives in the workspace, not in the checkout, so two clones, two runners or a person at a laptop
 * exclude each other. It is a workspace file created with the service's own create-if-absent semantics
 * (workspace/import with overwrite=false answers RESOURCE_ALREADY_EXISTS when the file is there), at a path derived
 * from the project id, holding who holds it, where, since when and until when.
 *
 * A lock past its expiry (or one whose process is gone: see `holderGone`, or a file that is not a lock) is taken
 * over: the taker first creates a takeover marker named after the stale lock's nonce (again create-if-absent, so
 * only one taker wins), re-reads the lock to check it is still the stale one, deletes it and creates its own.
 * `jobagent unlock` deletes it explicitly.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import type { Workspace } from "../adapters/databricks/port.js";
import { hashJson } from "../domain/plan.js";

/** Where the agent keeps its per-project files in the workspace (the lock, the ownership ledger). */
export const STATE_ROOT = "/Workspace/Shared/.jobagent/projects";

/** The workspace folder of a project's files. */
export function projectFolderOf(project: string, root = STATE_ROOT): string {
  return `${root}/${project.replace(/[^A-Za-z0-9._-]+/g, "--")}`;
}

export interface LockInfo {
  project: string;
  holder: string;
  where: string;
  host: string;
  pid: number;
  acquired: string;
  expires: string;
  nonce: string;
  /**
   * The process table `pid` belongs to (Linux: boot id + PID namespace, see `processTable`); absent where there is no
   * /proc (macOS, Windows) and in locks written by older jobagent versions.
   */
  pids?: string;
  /** Set when the lock file was not a lock (edited by hand, damaged): read as an expired lock of "unknown". */
  notALock?: true;
}

/** Why a lock was taken over. */
export type TakeOverReason = "expired" | "holder-gone" | "not-a-lock";

export class WorkspaceLockedError extends Error {
  constructor(
    readonly lock: LockInfo,
    readonly path: string,
  ) {
    super(
      `another apply holds the workspace lock ${path} (run ${lock.holder} at ${lock.where}, since ${lock.acquired}, until ${lock.expires}); wait for it to finish, or release a stuck lock with \`jobagent unlock\``,
    );
    this.name = "WorkspaceLockedError";
  }
}

export interface WorkspaceLock {
  readonly path: string;
  readonly info: LockInfo;
  /** The stale lock this apply took over, if any, and why it was stale. */
  readonly tookOver?: LockInfo;
  readonly tookOverBecause?: TakeOverReason;
  /** Why the lock is no longer ours (taken over, deleted, or a renewal came too late), or undefined while it is. */
  lost(): string | undefined;
  release(): Promise<void>;
}

export interface LockRequest {
  project: string;
  holder: string;
  /** Run URL or host description shown to whoever finds the lock held. */
  where?: string;
  seconds: number;
  /** How long to wait for a held lock before giving up (default 0: fail at once). */
  waitSeconds?: number;
  /**
   * Told when a wait for a held lock starts (who holds it, since when, how long we wait at most), every
   * `waitReportSeconds` while it lasts, when another run takes the lock meanwhile, and when the lock is ours.
   */
  onWait?: (message: string) => void;
  /** How often a wait is reported (default 15 s). */
  waitReportSeconds?: number;
  now: () => Date;
  root?: string;
}

/** The lock file of a project (and target): `<root>/<project with / as -->/apply[.<target>].lock.json`. */
export function lockPathOf(project: string, root = STATE_ROOT, target?: string): string {
  const suffix = target ? `.${target.replace(/[^A-Za-z0-9._-]+/g, "-")}` : "";
  return `${projectFolderOf(project, root)}/apply${suffix}.lock.json`;
}

export async function acquireWorkspaceLock(
  workspace: Workspace,
  request: LockRequest,
): Promise<WorkspaceLock> {
  const path = lockPathOf(request.project, request.root);
  const info = newLockInfo(request);
  const text = JSON.stringify(info, null, 2);
  const waitSeconds = request.waitSeconds ?? 0;
  const started = Date.now();
  const deadline = started + waitSeconds * 1000;
  const report = waitReporter(path, waitSeconds, started, request);
  let tookOver: { lock: LockInfo; because: TakeOverReason } | undefined;
  for (let attempt = 0; ; attempt++) {
    if (await workspace.createFileIfAbsent(path, text)) {
      report.acquired();
      return held(workspace, path, info, request, tookOver);
    }
    const current = await readLock(workspace, path);
    if (current === undefined) continue; // released (or deleted by hand) between the two calls
    const stale = staleBecause(current, request.now());
    if (stale) {
      if (await takeOver(workspace, path, current, request.now()))
        tookOver = { lock: current, because: stale };
      continue;
    }
    if (Date.now() >= deadline || attempt > 10_000) throw new WorkspaceLockedError(current, path);
    report.waiting(current);
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
  }
}

/**
 * The log of a wait for a held lock, so that `--lock-wait` never looks like a hang: one line when it starts (holder,
 * since when, until when, how long at most), one every `waitReportSeconds`, one when another run holds it now, and
 * one when the lock is ours. Silent when the lock was free.
 */
function waitReporter(path: string, waitSeconds: number, started: number, request: LockRequest) {
  const say = request.onWait ?? (() => undefined);
  const every = Math.max(0.05, request.waitReportSeconds ?? 15) * 1000;
  let holder: string | undefined;
  let lastReport = 0;
  const elapsed = () => Math.round((Date.now() - started) / 1000);
  const heldBy = (lock: LockInfo) =>
    `held by run ${lock.holder} (${lock.where}) since ${lock.acquired}, until ${lock.expires}`;
  return {
    waiting(lock: LockInfo) {
      const now = Date.now();
      if (holder === undefined)
        say(`Waiting up to ${waitSeconds} s for the workspace lock ${path}: ${heldBy(lock)}.`);
      else if (holder !== lock.nonce) say(`The workspace lock is now ${heldBy(lock)}; still waiting.`);
      else if (now - lastReport >= every)
        say(`Still waiting for the workspace lock (${elapsed()} s of ${waitSeconds} s): ${heldBy(lock)}.`);
      else return;
      holder = lock.nonce;
      lastReport = now;
    },
    acquired() {
      if (holder !== undefined) say(`Took the workspace lock after waiting ${elapsed()} s.`);
    },
  };
}

function newLockInfo(request: LockRequest): LockInfo {
  const now = request.now();
  return {
    project: request.project,
    holder: request.holder,
    where: request.where ?? `${hostname()} (pid ${process.pid})`,
    host: hostname(),
    pid: process.pid,
    acquired: now.toISOString(),
    expires: new Date(now.getTime() + request.seconds * 1000).toISOString(),
    nonce: randomBytes(8).toString("hex"),
    ...(processTable() !== undefined ? { pids: processTable() } : {}),
  };
}

function held(
  workspace: Workspace,
  path: string,
  info: LockInfo,
  request: LockRequest,
  tookOver?: { lock: LockInfo; because: TakeOverReason },
): WorkspaceLock {
  const heartbeat = startHeartbeat(workspace, path, info, request);
  return {
    path,
    info,
    ...(tookOver ? { tookOver: tookOver.lock, tookOverBecause: tookOver.because } : {}),
    lost: () => heartbeat.lost,
    async release() {
      await heartbeat.stop();
      const current = await readLockText(workspace, path).catch(() => undefined);
      if (current?.lock.nonce === info.nonce) await workspace.deleteFile(path, current.text);
      if (tookOver) await workspace.deleteFile(markerOf(path, tookOver.lock)).catch(() => undefined);
    },
  };
}

/**
 * Renews the lock while it is held: every third of its lifetime the file is read back and, when it still carries
 * our nonce and has not expired, rewritten with a new expiry (same nonce). A lock that another run took over, that
 * was deleted, or that expired before we could renew it (another run may be taking it over) is lost: it is never
 * written again, and `lost` says why.
 */
function startHeartbeat(workspace: Workspace, path: string, info: LockInfo, request: LockRequest) {
  const state: { lost: string | undefined; stop: () => Promise<void> } = {
    lost: undefined,
    stop: async () => undefined,
  };
  let expires = info.expires;
  let running: Promise<void> = Promise.resolve();
  const renew = async () => {
    const now = request.now();
    const current = await readLock(workspace, path).catch(() => "unreadable" as const);
    if (current === "unreadable") return; // the service is slow or down: try again at the next beat
    if (current?.nonce !== info.nonce) {
      state.lost = current
        ? `run ${current.holder} (${current.where}) took the workspace lock ${path} over at ${current.acquired}`
        : `the workspace lock ${path} was deleted (by \`jobagent unlock\` or by hand)`;
      return;
    }
    if (!(new Date(expires).getTime() > now.getTime())) {
      state.lost = `the workspace lock ${path} expired at ${expires} before it could be renewed`;
      return;
    }
    const next = new Date(now.getTime() + request.seconds * 1000).toISOString();
    await workspace.writeFile(path, JSON.stringify({ ...info, expires: next }, null, 2)).then(
      () => void (expires = next),
      () => undefined, // not renewed this time; the next beat tries again (and finds the lock lost if it expired)
    );
  };
  const timer = setInterval(
    () => {
      if (state.lost !== undefined) return;
      running = running.then(renew);
    },
    Math.max(50, (request.seconds * 1000) / 3),
  );
  timer.unref();
  state.stop = async () => {
    clearInterval(timer);
    await running;
  };
  return state;
}

/** The lock as recorded; a file that is not a lock (edited by hand) reads as an expired lock of "unknown". */
async function readLock(workspace: Workspace, path: string): Promise<LockInfo | undefined> {
  return (await readLockText(workspace, path))?.lock;
}

/** The lock and the text it was read from (a delete of exactly that file is resolved against it). */
async function readLockText(
  workspace: Workspace,
  path: string,
): Promise<{ lock: LockInfo; text: string } | undefined> {
  const text = await workspace.readFile(path);
  if (text === undefined) return undefined;
  return { lock: parseLock(text), text };
}

function parseLock(text: string): LockInfo {
  try {
    const parsed = JSON.parse(text) as Partial<LockInfo>;
    if (typeof parsed.expires === "string" && typeof parsed.nonce === "string") return parsed as LockInfo;
  } catch {
    // fall through
  }
  const epoch = new Date(0).toISOString();
  return {
    project: "",
    holder: "unknown",
    where: "unknown (the lock file is not readable)",
    host: "",
    pid: 0,
    acquired: epoch,
    expires: epoch,
    nonce: hashJson(text).slice(0, 16),
    notALock: true,
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Why a lock may be taken over, or undefined while its holder may still be running. */
function staleBecause(lock: LockInfo, now: Date): TakeOverReason | undefined {
  if (lock.notALock) return "not-a-lock";
  if (!(new Date(lock.expires).getTime() > now.getTime())) return "expired";
  return holderGone(lock) ? "holder-gone" : undefined;
}

/**
 * The lock's process is known to be gone: it ran on this host, in this process table, and no process has its pid.
 * A pid means something only in its process table, and a hostname does not name one: containers on one machine
 * often share a hostname (`--hostname`, a pod name reused, `localhost`) while each has its own PID namespace, and
 * two VMs may both be called `vm`. So on Linux the lock records its process table (the kernel's boot id and the PID
 * namespace) and only a lock with the same hostname and the same table is checked by pid; one without a table
 * (written where there is no /proc — macOS, Windows — or by an older jobagent) is checked by pid only when this
 * process has no table either. Anything else waits for the expiry (or `jobagent unlock`). Limit: containers that
 * share the host's PID namespace (`--pid=host`) and hostname are one process table, which is then right.
 */
function holderGone(lock: LockInfo): boolean {
  if (lock.host !== hostname() || !(lock.pid > 0)) return false;
  if ((lock.pids ?? undefined) !== processTable()) return false;
  return !processAlive(lock.pid);
}

let table: { value: string | undefined } | undefined;

/** This process's process table: `<boot id>/<pid namespace>` on Linux (readable without privileges), else undefined. */
export function processTable(): string | undefined {
  table ??= { value: readProcessTable() };
  return table.value;
}

function readProcessTable(): string | undefined {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const namespace = readlinkSync("/proc/self/ns/pid");
    return boot && namespace ? `${boot}/${namespace}` : undefined;
  } catch {
    return undefined;
  }
}

function markerOf(path: string, stale: LockInfo): string {
  return path.replace(/\.lock\.json$/, `.takeover-${stale.nonce}.json`);
}

/**
 * Removes a stale lock so that exactly one taker can create the next one. true when this caller removed it. A marker
 * left by a taker that died midway expires after a minute.
 */
async function takeOver(workspace: Workspace, path: string, stale: LockInfo, now: Date): Promise<boolean> {
  const marker = markerOf(path, stale);
  const until = new Date(now.getTime() + 60_000).toISOString();
  if (!(await workspace.createFileIfAbsent(marker, JSON.stringify({ expires: until })))) {
    const markerText = await workspace.readFile(marker);
    const expires = markerExpiry(markerText ?? "{}");
    if (markerText !== undefined && !(new Date(expires).getTime() > now.getTime()))
      await workspace.deleteFile(marker, markerText);
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    return false;
  }
  const again = await readLockText(workspace, path);
  if (again?.lock.nonce !== stale.nonce) return false;
  await workspace.deleteFile(path, again.text);
  return true;
}

function markerExpiry(text: string): string {
  try {
    return String((JSON.parse(text) as { expires?: unknown }).expires ?? "");
  } catch {
    return "";
  }
}

/** Deletes the project's lock whoever holds it (`jobagent unlock`); the lock that was released, if any. */
export async function forceUnlock(
  workspace: Workspace,
  project: string,
  root?: string,
): Promise<{ path: string; released?: LockInfo }> {
  const path = lockPathOf(project, root);
  const current = await readLockText(workspace, path);
  if (current === undefined) return { path };
  await workspace.deleteFile(path, current.text);
  return { path, released: current.lock };
}
