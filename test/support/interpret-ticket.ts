/**
 * The offline interpreter's answer to a ticket written for a test, the way the eval grades one: the API requests it
 * would send and the questions it asks instead, against the given existing jobs (their tools are the eval's).
 */
import { expect } from "vitest";
import type { WorkspaceJob } from "../../src/domain/model.js";
import { ticketTools } from "../../src/dev/eval/tickets.js";
import { createOfflineInterpreter, toApiRequests } from "../../src/techlead/interpreter/index.js";

const interpreter = createOfflineInterpreter();

export async function answerTicket(body: string, jobs: WorkspaceJob[] = []) {
  const interp = await interpreter.interpret(
    { file: "jobs/req.md", text: body, frontMatter: {}, body, bodyLine: 1 },
    { existingJobs: jobs, tools: ticketTools(jobs) },
  );
  return toApiRequests(interp, jobs);
}

/** The one request of a ticket that needs no question (it fails the test when the ticket asks or gives several). */
export async function onlyRequest(body: string, jobs: WorkspaceJob[] = []) {
  const { requests, questions } = await answerTicket(body, jobs);
  expect(questions).toEqual([]);
  expect(requests).toHaveLength(1);
  return requests[0]!;
}
