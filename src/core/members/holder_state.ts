/**
 * How a refusal names the state of the agent that holds something (a task): online, away since
 * when and until when its work is kept, or gone.
 */
import { toIso } from "../clock.ts";
import type { MemberDirectory } from "./member_directory.ts";

/**
 * "; w1 is away since 10:02 UTC: ..." — empty when it is online (the usual case says nothing
 * more) or there is no such member.
 */
export function describeHolder(directory: MemberDirectory, name: string): string {
  const member = directory.find(name);
  if (member === undefined) return "";
  const since = member.presence_since.slice(11, 16);
  if (member.presence === "online") return "";
  if (member.presence === "gone") return `; ${member.name} left the table at ${since} UTC`;
  const back = toIso(Date.parse(member.presence_since) + directory.awayReleaseMs).slice(11, 16);
  return `; ${member.name} is away since ${since} UTC (no session, stream or process): its ` +
    `work goes back to the board at ${back} UTC unless it comes back`;
}
