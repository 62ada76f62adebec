/**
 * The apply lease: one apply at a time per repository checkout. A lease file created with O_EXCL in the task
 * directory names its holder (run id, host, pid) and an expiry. A lease whose holder process is gone (same host)
 * or whose expiry has passed is taken over; otherwise the second apply reports `locked`. Across machines the
 * example workflow's `concurrency:` group serialises runs, and find-before-create by ownership tag keeps a
 * doubled run from creating a job twice.
 */
import { link, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";

export interface LeaseInfo {
  holder: string;
  host: string;
  pid: number;
  acquired: string;
  expires: string;
}

export class LockedError extends Error {
  constructor(readonly lease: LeaseInfo) {
    super(
      `another apply holds the lease (run ${lease.holder} on ${lease.host}, pid ${lease.pid}, until ${lease.expires})`,
    );
    this.name = "LockedError";
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface Lease {
  readonly info: LeaseInfo;
  /** Took over a stale lease of a run that died or expired. */
  readonly tookOver?: LeaseInfo;
  release(): Promise<void>;
}

export async function acquireLease(
  path: string,
  holder: string,
  seconds: number,
  now: () => Date,
): Promise<Lease> {
  await mkdir(dirname(path), { recursive: true });
  const info: LeaseInfo = {
    holder,
    host: hostname(),
    pid: process.pid,
    acquired: now().toISOString(),
    expires: new Date(now().getTime() + seconds * 1000).toISOString(),
  };
  let tookOver: LeaseInfo | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(JSON.stringify(info, null, 2));
      await handle.close();
      return {
        info,
        tookOver,
        async release() {
          try {
            const current = JSON.parse(await readFile(path, "utf8")) as LeaseInfo;
            if (current.holder === info.holder && current.pid === info.pid) await rm(path, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let current: LeaseInfo | undefined;
    try {
      current = JSON.parse(await readFile(path, "utf8")) as LeaseInfo;
    } catch {
      current = undefined; // half-written by a killed process: stale
    }
    const stale =
      !current ||
      new Date(current.expires).getTime() <= now().getTime() ||
      (current.host === hostname() && !processAlive(current.pid));
    if (!stale && current) throw new LockedError(current);
    tookOver = current;
    // Take the stale lease out of the way atomically. If, between reading and renaming, another process already
    // replaced it with a live lease, put that one back (link fails if yet another lease appeared) and retry.
    const aside = `${path}.${process.pid}.${attempt}.stale`;
    try {
      await rename(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    const moved = await readFile(aside, "utf8").catch(() => "");
    if (current && moved !== "" && moved !== JSON.stringify(current, null, 2)) {
      await link(aside, path).catch(() => undefined);
    }
    await rm(aside, { force: true });
  }
  throw new Error(`could not acquire the apply lease at ${path}`);
}
