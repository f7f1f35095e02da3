/**
 * Joining and leaving the table. A name is held by at most one live session: registering a
 * name another live session holds is refused (saying when to retry), and a session that ends
 * (or is not seen for the presence timeout, or whose stdio process here is gone) lets it go; a
 * newer session presenting the name's credential takes it over. A name with a credential can only be taken by a session that
 * presents it; a privileged role can only be used by a name that has one. Privileged roles are
 * granted, never taken. A member that leaves keeps its name, role and mail.
 */
import type { Actor } from "../actor.ts";
import { toIso } from "../clock.ts";
import { ConflictError, ForbiddenError, RateLimitError, ValidationError } from "../errors.ts";
import { checkAgentName } from "../input_rules/agent_names.ts";
import { checkRoleName } from "../input_rules/slugs.ts";
import { checkCapabilities } from "../input_rules/text_rules.ts";
import { LIMITS } from "../limits.ts";
import type { Page, PageRequest } from "../pages.ts";
import { int, text } from "../rows.ts";
import { nameSkeleton, SKELETON_RULE } from "../input_rules/name_skeleton.ts";
import { mayGrantRole, maySelfAssignRole } from "../permissions/permissions.ts";
import { enforce, refusal } from "../permissions/refusal.ts";
import { DEFAULT_ROLE, type Role } from "../role_catalog.ts";
import type { StoreContext } from "../store_context.ts";
import { credentialMatches, newCredential } from "./credentials.ts";
import { deliverStandingNotices } from "../messages/standing_notices.ts";
import type { LocalProcesses } from "./local_processes.ts";
import type { Member } from "./member.ts";
import type { NameHold } from "./member_directory.ts";
import type { SessionRef } from "./session_ref.ts";
import { keepingWrites } from "../../db/transaction.ts";

export interface RegisterInput {
  name: string;
  role?: string | undefined;
  capabilities?: readonly string[] | undefined;
  /** The session taking the name. */
  session: SessionRef;
  /**
   * The session came in with a join token: only a new name and an unprivileged role, and the
   * name gets a credential (returned once).
   */
  join?: boolean | undefined;
}

export interface RegisterResult {
  member: Member;
  /** False when the name was already registered (a returning agent). */
  created: boolean;
  /** A credential made for this name (join tokens only): shown once, never again. */
  credential?: string;
}

/** What the operator gets from issuing a credential: the secret, shown once. */
export interface IssuedCredential {
  member: Member;
  credential: string;
  rotated: boolean;
}

export class MemberStore {
  readonly #ctx: StoreContext;
  readonly #processes: LocalProcesses | undefined;

  /** `processes`: this machine's processes, for names held by stdio processes that died. */
  constructor(ctx: StoreContext, processes?: LocalProcesses) {
    this.#ctx = ctx;
    this.#processes = processes;
  }

  /**
   * Takes a name for a session: a new member, or a returning one (active again, role and
   * capabilities replaced when given, kept when omitted; the role's default capabilities are
   * merged in). Refused when another live session holds the name, when the name has a
   * credential the session did not present, or for a privileged role that was not granted or
   * whose name has no credential. Refused attempts with a wrong or missing credential are
   * audited.
   */
  register(input: RegisterInput): RegisterResult {
    checkAgentName(input.name);
    if (input.role !== undefined) checkRoleName(input.role);
    if (input.capabilities !== undefined) checkCapabilities(input.capabilities);
    return this.#ctx.tx.run((): RegisterResult => {
      const { directory, roles, sql, publisher } = this.#ctx;
      const now = this.#ctx.clock.now();
      const existing = directory.find(input.name);
      const keyHash = existing ? directory.keyHash(existing.name) : null;
      const name = existing?.name ?? input.name;
      if (existing && input.role === undefined) roles.requireKnown(existing.role, existing.name);
      if (input.join && existing) {
        throw new ConflictError(
          `name: '${existing.name}' is taken; a join token registers new names only. Choose ` +
            `another name, or ask the operator for this agent's token.`,
        );
      }
      const refused = this.#credentialRefusal(name, keyHash, input.session);
      if (refused) throw keepingWrites(refused);
      const kept = existing && roles.has(existing.role) ? existing.role : DEFAULT_ROLE;
      const role = this.#role(input.role ?? kept, "role");
      const verdict = maySelfAssignRole(role, existing?.role);
      if (!verdict.allowed || (input.join && role.privileged)) {
        throw refusal(
          verdict.allowed
            ? { allowed: false, reason: "a join token takes no privileged role" }
            : verdict,
          {
            who: { label: name, role: existing?.role ?? null },
            what: `take the role '${role.name}'`,
            field: "role",
            advice: `A human operator grants it with: team-table members grant ${name} ` +
              `${role.name} (or an agent with the assign_roles privilege calls assign_role). ` +
              `Register without it for now.`,
          },
          roles,
        );
      }
      if (role.privileged && keyHash === null) throw this.#keylessRefusal(name, role.name);
      if (!existing) this.#checkNewName(input.session, now);
      if (!existing) this.#checkLookAlike(name);
      if (input.join) this.#checkJoinCredentials(input.session.where);
      this.#takeName(name, input.session, now);
      const given = input.capabilities ?? existing?.capabilities ?? [];
      const capabilities = JSON.stringify([...new Set([...given, ...role.capabilities])]);
      const issued = input.join ? newCredential() : undefined;
      if (existing) {
        sql.get(
          `UPDATE members SET status = 'active', last_seen = ?, role = ?, capabilities = ?
           WHERE name = ?`,
        ).run(now, role.name, capabilities, existing.name);
      } else {
        sql.get(
          `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen,
             key_hash, session_id, session_where, session_since, seen_at, registered_session,
             registered_source, session_pid, session_host, joined_from)
           VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          name,
          role.name,
          capabilities,
          now,
          now,
          issued?.hash ?? null,
          input.session.id,
          input.session.where,
          now,
          now,
          input.session.id,
          _source(input.session),
          input.session.process?.pid ?? null,
          input.session.process?.host ?? null,
          issued ? input.session.where : null,
        );
      }
      // A name joining for the first time (new, or made by the operator beforehand) receives
      // the acknowledgement broadcasts that still stand.
      if (!existing || existing.last_seen === existing.registered_at) {
        deliverStandingNotices(sql, name, now);
      }
      const member = directory.require(name);
      const by: Actor = { kind: "agent", name: member.name };
      publisher.publish({
        type: "member.registered",
        by,
        member,
        returning: existing !== undefined,
      });
      if (issued) publisher.publish({ type: "credential.issued", by, name, rotated: false });
      return {
        member,
        created: !existing,
        ...(issued ? { credential: issued.secret } : {}),
      };
    });
  }

  /**
   * Checks, without taking the name, that `session` could take it: the credential it presented
   * (a refusal is audited) and, for a privileged role, that the name has one. A connection that
   * names its agent (stdio --agent, an agent token) is checked at once, and takes the name on
   * its first tool call — so a client's health check never holds it.
   */
  vouch(input: { name: string; session: SessionRef }): void {
    checkAgentName(input.name);
    this.#ctx.tx.run(() => {
      const { directory, roles } = this.#ctx;
      const existing = directory.find(input.name);
      if (!existing) return;
      const keyHash = directory.keyHash(existing.name);
      const wrong = this.#credentialRefusal(existing.name, keyHash, input.session);
      if (wrong) throw keepingWrites(wrong);
      const role = roles.requireKnown(existing.role, existing.name);
      if (role.privileged && keyHash === null) throw this.#keylessRefusal(existing.name, role.name);
    });
  }

  /**
   * Gives `name` a role, privileged ones included. An agent needs assign_roles, and a
   * privileged role only goes to a name that has a credential. The operator may also
   * pre-register a name that has not joined yet; a privileged role granted by the operator to
   * a name without a credential creates one, returned here once.
   */
  grant(input: { name: string; role: string; by: Actor }): Member & { credential?: string } {
    checkAgentName(input.name);
    checkRoleName(input.role);
    return this.#ctx.tx.run(() => {
      const { directory, sql, publisher, principals, roles } = this.#ctx;
      const role = this.#role(input.role, "role");
      const who = principals.resolve(input.by);
      enforce(mayGrantRole(who, role, input.name), {
        who,
        what: who.privileges.has("assign_roles")
          ? `give '${input.name}' the role '${role.name}'`
          : "assign roles",
      }, roles);
      const existing = directory.find(input.name);
      const now = this.#ctx.clock.now();
      const operator = input.by.kind === "human";
      if (!existing && !operator) directory.require(input.name);
      const needsKey = role.privileged &&
        (existing === undefined || directory.keyHash(existing.name) === null);
      if (needsKey && !operator) {
        throw new ForbiddenError(
          `role: '${role.name}' is privileged and '${input.name}' has no credential; the ` +
            `operator issues one with: team-table members token ${input.name}, or grants the ` +
            `role from the command line.`,
        );
      }
      const issued = needsKey ? newCredential() : undefined;
      if (!existing) this.#checkLookAlike(input.name);
      if (existing) {
        sql.get(
          `UPDATE members SET role = ?, key_hash = coalesce(?, key_hash),
             joined_from = CASE WHEN ? IS NULL THEN joined_from END WHERE name = ?`,
        ).run(role.name, issued?.hash ?? null, issued?.hash ?? null, existing.name);
      } else {
        sql.get(
          `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen,
             key_hash, seen_at)
           VALUES (?, ?, '[]', 'inactive', ?, ?, ?, ?)`,
        ).run(input.name, role.name, now, now, issued?.hash ?? null, now);
      }
      const member = directory.require(input.name);
      publisher.publish({
        type: "member.role_granted",
        by: who.actor,
        member,
        from: existing?.role ?? null,
      });
      if (!issued) return member;
      publisher.publish({
        type: "credential.issued",
        by: who.actor,
        name: member.name,
        rotated: false,
      });
      return { ...directory.require(member.name), credential: issued.secret };
    });
  }

  /**
   * Issues a credential for `name` (the operator), replacing any earlier one: from now on only
   * a session presenting it may take the name, and a session holding the name lets it go. A name that does not exist yet is created
   * (away, role `role` or the default), so an agent can be set up before it first connects.
   */
  issueCredential(input: { name: string; role?: string | undefined; by: Actor }): IssuedCredential {
    checkAgentName(input.name);
    if (input.role !== undefined) checkRoleName(input.role);
    return this.#ctx.tx.run(() => {
      const { directory, sql, publisher } = this.#ctx;
      this.#operatorOnly(input.by, "issues credentials (team-table members token)");
      const existing = directory.find(input.name);
      const role = existing && input.role === undefined
        ? undefined
        : this.#role(input.role ?? DEFAULT_ROLE, "role");
      const issued = newCredential();
      const now = this.#ctx.clock.now();
      if (!existing) this.#checkLookAlike(input.name);
      if (existing) {
        sql.get(
          `UPDATE members SET key_hash = ?, role = coalesce(?, role), joined_from = NULL
           WHERE name = ?`,
        ).run(issued.hash, role?.name ?? null, existing.name);
      } else {
        sql.get(
          `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen,
             key_hash, seen_at)
           VALUES (?, ?, '[]', 'active', ?, ?, ?, ?)`,
        ).run(input.name, role?.name ?? DEFAULT_ROLE, now, now, issued.hash, now);
      }
      const hold = directory.hold(input.name);
      if (hold?.sessionId) {
        // The session that holds the name presented the old credential (or none): it lets go.
        sql.get(
          `UPDATE members SET session_id = NULL, session_where = NULL, session_since = NULL,
             session_pid = NULL, session_host = NULL, seen_at = ? WHERE name = ?`,
        ).run(now, input.name);
        publisher.publish({
          type: "member.released",
          by: input.by,
          member: directory.require(input.name),
          where: hold.where ?? "",
          reason: "reset",
        });
      }
      const member = directory.require(input.name);
      const rotated = existing !== undefined && existing.has_credential;
      publisher.publish({ type: "credential.issued", by: input.by, name: member.name, rotated });
      return { member, credential: issued.secret, rotated };
    });
  }

  /**
   * Lets go of every name `sessionId` holds (the session ended). The agents show as away from
   * now. Returns the names released.
   */
  release(sessionId: string, reason: "ended" | "deregistered" = "ended"): string[] {
    return this.#ctx.tx.run(() => {
      const { sql, publisher, directory } = this.#ctx;
      const held = sql.get("SELECT name, session_where FROM members WHERE session_id = ?")
        .all(sessionId);
      sql.get(
        `UPDATE members SET session_id = NULL, session_where = NULL, session_since = NULL,
           session_pid = NULL, session_host = NULL, seen_at = ? WHERE session_id = ?`,
      ).run(this.#ctx.clock.now(), sessionId);
      for (const row of held) {
        const member = directory.require(String(row["name"]));
        publisher.publish({
          type: "member.released",
          by: { kind: "agent", name: member.name },
          member,
          where: String(row["session_where"] ?? ""),
          reason,
        });
      }
      return held.map((row) => String(row["name"]));
    });
  }

  /** The operator frees a name a session holds (a stuck or unwanted session). */
  reset(input: { name: string; by: Actor }): Member {
    return this.#ctx.tx.run(() => {
      const { directory, sql, publisher } = this.#ctx;
      this.#operatorOnly(input.by, "resets a name (team-table members reset)");
      const member = directory.require(input.name);
      const hold = directory.hold(member.name);
      sql.get(
        `UPDATE members SET session_id = NULL, session_where = NULL, session_since = NULL,
           session_pid = NULL, session_host = NULL, seen_at = ? WHERE name = ?`,
      ).run(this.#ctx.clock.now(), member.name);
      publisher.publish({
        type: "member.released",
        by: input.by,
        member: directory.require(member.name),
        where: hold?.where ?? "",
        reason: "reset",
      });
      return directory.require(member.name);
    });
  }

  /**
   * The operator takes back a granted role: the member has the default role again (its
   * credential stays). A name that only a grant made (it never joined, has no credential, and
   * no task or mail names it) is withdrawn: the name is unknown again, as before the grant.
   */
  revoke(input: { name: string; by: Actor }): Member & { withdrawn: boolean } {
    return this.#ctx.tx.run(() => {
      const { directory, sql, publisher } = this.#ctx;
      this.#operatorOnly(input.by, "revokes roles (team-table members revoke)");
      const existing = directory.require(input.name);
      sql.get("UPDATE members SET role = ? WHERE name = ?").run(DEFAULT_ROLE, existing.name);
      const member = directory.require(existing.name);
      publisher.publish({ type: "member.role_granted", by: input.by, member, from: existing.role });
      const withdrawn = this.#onlyGranted(existing);
      if (withdrawn) sql.get("DELETE FROM members WHERE name = ?").run(existing.name);
      return { ...member, withdrawn };
    });
  }

  /** Whether a grant alone made this name: never joined, no credential, no task or mail. */
  #onlyGranted(member: Member): boolean {
    if (member.status !== "inactive" || member.has_credential) return false;
    // Joining is audited (the log is append-only): no such row, never joined.
    const row = this.#ctx.sql.get(
      `SELECT EXISTS (SELECT 1 FROM members WHERE name = :name AND session_id IS NOT NULL)
           OR EXISTS (SELECT 1 FROM audit_log WHERE agent = :name
                AND action IN ('member.registered', 'member.returned'))
           OR EXISTS (SELECT 1 FROM tasks WHERE assignee = :name OR reviewer = :name)
           OR EXISTS (SELECT 1 FROM deliveries WHERE agent = :name) AS named`,
    ).get({ name: member.name });
    return row !== undefined && int(row, "named") === 0;
  }

  /**
   * The operator removes a member: it is gone, its name is free, its credential and granted
   * role are dropped (its mail and history stay). Departures gives back its open tasks.
   */
  remove(input: { name: string; by: Actor }): Member {
    return this.#ctx.tx.run(() => {
      const { directory, sql, publisher } = this.#ctx;
      this.#operatorOnly(input.by, "removes members (team-table members remove)");
      const existing = directory.require(input.name);
      const hold = directory.hold(existing.name);
      sql.get(
        `UPDATE members SET status = 'inactive', role = ?, key_hash = NULL, session_id = NULL,
           session_where = NULL, session_since = NULL, session_pid = NULL, session_host = NULL,
           seen_at = ? WHERE name = ?`,
      ).run(DEFAULT_ROLE, this.#ctx.clock.now(), existing.name);
      const member = directory.require(existing.name);
      publisher.publish({
        type: "member.released",
        by: input.by,
        member,
        where: hold?.where ?? "",
        reason: "removed",
      });
      return member;
    });
  }

  /**
   * Records when these sessions were last seen (their names stay held until they have not been
   * seen for the presence timeout). `at` defaults to now: a stdio process, an HTTP session with
   * its stream open, or a legacy SSE stream is seen while it lives; an HTTP session without a
   * stream is seen when it last made a request. `agents` have an open event stream
   * (/events/{agent}): they are seen now too (they keep their tasks and leases). One UPDATE each.
   */
  refresh(sessions: readonly { id: string; at?: number }[], agents: readonly string[] = []): void {
    const now = this.#ctx.clock.now();
    if (agents.length > 0) {
      this.#ctx.sql.get(
        `UPDATE members SET seen_at = max(seen_at, ?)
         WHERE name IN (SELECT value FROM json_each(?)) AND status = 'active'`,
      ).run(now, JSON.stringify(agents));
    }
    if (sessions.length === 0) return;
    this.#ctx.sql.get(
      `UPDATE members SET seen_at = max(seen_at, seen.at)
       FROM (SELECT value ->> 'id' AS id, value ->> 'at' AS at FROM json_each(?)) AS seen
       WHERE members.session_id = seen.id`,
    ).run(JSON.stringify(sessions.map((s) => ({ id: s.id, at: Math.min(s.at ?? now, now) }))));
  }

  /** How long an agent may be away before its tasks and leases go back (the grace). */
  get awayReleaseMs(): number {
    return this.#ctx.directory.awayReleaseMs;
  }

  /**
   * Names still held by a stdio process on this machine that no longer exists (the next
   * session to ask for such a name takes it at once). Empty without `processes`.
   */
  heldByExitedProcesses(): { name: string; pid: number; where: string | null; seenAt: number }[] {
    const processes = this.#processes;
    if (processes === undefined) return [];
    return this.#ctx.directory.processHolds()
      .filter((hold) => hold.host === processes.host && !processes.alive(hold.pid))
      .map(({ name, pid, where, seenAt }) => ({ name, pid, where, seenAt }));
  }

  /**
   * Lets go of the names `heldByExitedProcesses` finds, each only while the same process still
   * holds it (a new session may have taken it since). Returns the names freed.
   */
  freeExited(): string[] {
    return this.#ctx.tx.run(() =>
      this.heldByExitedProcesses().flatMap((held) => {
        const hold = this.#ctx.directory.hold(held.name);
        const changed = this.#ctx.sql.get(
          `UPDATE members SET session_id = NULL, session_where = NULL, session_since = NULL,
             session_pid = NULL, session_host = NULL, seen_at = ?
           WHERE name = ? AND session_pid = ? AND session_host = ?`,
        ).run(this.#ctx.clock.now(), held.name, held.pid, this.#processes?.host ?? "").changes;
        if (Number(changed) === 0) return [];
        this.#ctx.publisher.publish({
          type: "member.released",
          by: { kind: "system" },
          member: this.#ctx.directory.require(held.name),
          where: hold?.where ?? "",
          reason: "exited",
        });
        return [held.name];
      })
    );
  }

  /** The member's role when `sessionId` holds `name` now; undefined when it does not. */
  heldRole(name: string, sessionId: string): string | undefined {
    return this.#ctx.directory.heldRole(name, sessionId);
  }

  /** The member's role, if there is such a member. */
  roleOf(name: string): string | undefined {
    return this.#ctx.directory.roleOf(name);
  }

  /**
   * The live hold of another session on `name`, when there is one: a session bound to `name`
   * that sees this lost it (a newer session took it over, or took it while it went unseen) and
   * ends.
   */
  heldElsewhere(name: string, sessionId: string): NameHold | undefined {
    const hold = this.#ctx.directory.hold(name);
    return hold?.live && hold.sessionId !== sessionId ? hold : undefined;
  }

  /** Marks a member gone and lets its name go. Its mail keeps arriving and waits for it. */
  deregister(by: Actor): Member {
    return this.#ctx.tx.run(() => {
      const member = this.#self(by);
      this.#ctx.sql.get(
        `UPDATE members SET status = 'inactive', last_seen = ?, session_id = NULL,
           session_where = NULL, session_since = NULL, session_pid = NULL, session_host = NULL,
           seen_at = ? WHERE name = ?`,
      ).run(this.#ctx.clock.now(), this.#ctx.clock.now(), member.name);
      this.#ctx.publisher.publish({ type: "member.deregistered", by, member });
      return this.#ctx.directory.require(member.name);
    });
  }

  /**
   * Records that a member is alive. Only a change of status (inactive -> active) is audited:
   * beats are liveness, not actions, and would flood the log.
   */
  heartbeat(by: Actor): Member {
    return this.#ctx.tx.run(() => {
      const member = this.#self(by);
      const now = this.#ctx.clock.now();
      this.#ctx.sql.get(
        "UPDATE members SET status = 'active', last_seen = ?, seen_at = ? WHERE name = ?",
      ).run(now, now, member.name);
      if (member.status === "inactive") {
        this.#ctx.publisher.publish({ type: "member.came_back", by, member });
      }
      return this.#ctx.directory.require(member.name);
    });
  }

  /**
   * Records a tool call as a sign of life, at most every `everyMs` (an idle rule measures from
   * it). One conditional UPDATE: nothing is written when the last one is recent.
   */
  touch(name: string, everyMs = 10_000): void {
    const now = this.#ctx.clock.now();
    this.#ctx.sql.get(
      "UPDATE members SET last_seen = ?, seen_at = max(seen_at, ?) WHERE name = ? AND last_seen < ?",
    ).run(now, now, name, now - everyMs);
  }

  list(options: { includeInactive?: boolean | undefined } = {}): Member[] {
    return this.#ctx.directory.list(options);
  }

  /** A page of list(options): see MemberDirectory.page. */
  page(options: { includeInactive?: boolean | undefined }, page: PageRequest = {}): Page<Member> {
    return this.#ctx.directory.page(options, page);
  }

  /** The names of the active members, in order (MemberDirectory.names). */
  names(): string[] {
    return this.#ctx.directory.names();
  }

  /** The member with this name (any case), if there is one. */
  find(name: string): Member | undefined {
    return this.#ctx.directory.find(name);
  }

  /** The member with this name (any case), or a NotFoundError that suggests close names. */
  require(name: string, field = "name"): Member {
    return this.#ctx.directory.require(name, field);
  }

  /**
   * Refuses a new name that looks like an existing member's (name_skeleton.ts), naming it:
   * `aIice` could be taken for `alice` by whoever reads a message's sender.
   */
  #checkLookAlike(name: string): void {
    const skeleton = nameSkeleton(name);
    const twin = this.#ctx.sql.get("SELECT name FROM members").all()
      .map((row) => text(row, "name"))
      .find((other) => nameSkeleton(other) === skeleton);
    if (twin === undefined) return;
    throw new ConflictError(
      `name: '${name}' looks like the member '${twin}' (both read as '${skeleton}' with ` +
        `${SKELETON_RULE}). Choose a name that cannot be taken for another member's.`,
    );
  }

  /**
   * Refuses a join-token registration when the credentials the join token minted (still held)
   * number LIMITS.joinCredentialsMax, or those minted for `where` (the client's address)
   * LIMITS.joinCredentialsPerAddress. Counted in the database, inside the registering
   * transaction, so the bound holds across processes.
   */
  #checkJoinCredentials(where: string): void {
    const row = this.#ctx.sql.get(
      `SELECT count(*) AS total, count(CASE WHEN joined_from = ? THEN 1 END) AS here
       FROM members WHERE joined_from IS NOT NULL AND key_hash IS NOT NULL`,
    ).get(where) ?? {};
    const advice = "The operator removes names no longer used (team-table members remove NAME) " +
      "or gives an agent its own token (team-table members add NAME).";
    if (int(row, "total") >= LIMITS.joinCredentialsMax) {
      throw new ConflictError(
        `name: the join token has made ${int(row, "total")} agent tokens, the most it may ` +
          `(${LIMITS.joinCredentialsMax}). ${advice}`,
      );
    }
    if (int(row, "here") >= LIMITS.joinCredentialsPerAddress) {
      throw new ConflictError(
        `name: the join token has made ${int(row, "here")} agent tokens for ${where}, the most ` +
          `one address may get (${LIMITS.joinCredentialsPerAddress}). ${advice}`,
      );
    }
  }

  /**
   * Refuses a new name when the table is full, when this session has made its share of new
   * names, or when its source has made its share in the registration window. Counted in the
   * database, inside the registering transaction, so the limits hold across processes.
   */
  #checkNewName(session: SessionRef, now: number): void {
    const { sql } = this.#ctx;
    const total = int(sql.get("SELECT count(*) AS n FROM members").get() ?? {}, "n");
    if (total >= LIMITS.membersMax) {
      throw new ConflictError(
        `name: the table has ${total} members, the most it holds (${LIMITS.membersMax}); no ` +
          `new name can be registered. Register with a name that exists already and is free ` +
          `(list_members), or ask the operator.`,
      );
    }
    const mine = sql.get("SELECT name FROM members WHERE registered_session = ? ORDER BY name")
      .all(session.id).map((row) => String(row["name"]));
    if (mine.length >= LIMITS.newNamesPerSession) {
      throw new ConflictError(
        `name: this session has made ${mine.length} new names (${mine.join(", ")}), the most ` +
          `one session may (${LIMITS.newNamesPerSession}). Register with one of them again.`,
      );
    }
    const source = _source(session);
    const window = LIMITS.registrationWindowMs;
    const nth = sql.get(
      `SELECT registered_at FROM members WHERE registered_source = ? AND registered_at > ?
       ORDER BY registered_at DESC LIMIT 1 OFFSET ?`,
    ).get(source, now - window, LIMITS.newNamesPerSource - 1);
    if (nth === undefined) return;
    const retryAt = int(nth, "registered_at") + window;
    throw new RateLimitError(
      `name: ${source} has made ${LIMITS.newNamesPerSource} new names in the last ` +
        `${window / 60_000} minutes, the most allowed. Try ` +
        `again in ${Math.max(1, Math.ceil((retryAt - now) / 1000))} s (at ${toIso(retryAt)}).`,
      retryAt,
    );
  }

  /**
   * Holds `name` for `session`. A live session's hold is taken over when its process is gone
   * (a stdio process on this machine whose pid no longer exists) or when `session` presents the
   * name's credential and began after the holder took the name (its own newer session); else
   * refused, naming the holder and when to retry.
   */
  #takeName(name: string, session: SessionRef, now: number): void {
    const { sql, directory } = this.#ctx;
    const before = directory.hold(name);
    sql.get(
      `UPDATE members SET session_id = NULL, session_where = NULL, session_since = NULL,
         session_pid = NULL, session_host = NULL, seen_at = ?
       WHERE session_id = ? AND name <> ?`,
    ).run(now, session.id, name);
    const takeOver = before?.live && before.sessionId !== session.id
      ? this.#takeOverReason(name, before, session)
      : undefined;
    const changed = sql.get(
      `UPDATE members SET session_id = :id, session_where = :where, seen_at = :now,
         session_since = CASE WHEN session_id = :id THEN session_since ELSE :now END,
         session_pid = :pid, session_host = :host
       WHERE name = :name
         AND (session_id IS NULL OR session_id = :id OR seen_at < :stale OR :takeOver = 1)`,
    ).run({
      id: session.id,
      where: session.where,
      now,
      name,
      pid: session.process?.pid ?? null,
      host: session.process?.host ?? null,
      stale: directory.staleBefore(now),
      takeOver: takeOver === undefined ? 0 : 1,
    }).changes;
    if (Number(changed) > 0) {
      if (before?.sessionId && before.sessionId !== session.id) {
        this.#ctx.publisher.publish({
          type: "member.released",
          by: { kind: "system" },
          member: directory.require(name),
          where: before.where ?? "",
          reason: takeOver ?? "unseen",
        });
      }
      return;
    }
    const hold = directory.hold(name);
    if (hold === undefined) return;
    throw new ConflictError(this.#inUse(name, hold, session, now));
  }

  /** Why `session` may take `name` from its live holder now, if it may. */
  #takeOverReason(
    name: string,
    hold: NameHold,
    session: SessionRef,
  ): "exited" | "replaced" | undefined {
    const processes = this.#processes;
    if (
      processes !== undefined && hold.pid !== null && hold.host === processes.host &&
      !processes.alive(hold.pid)
    ) {
      return "exited";
    }
    return this.#newerWithCredential(name, hold, session) ? "replaced" : undefined;
  }

  /** `session` presents the name's credential and began after the holder took the name. */
  #newerWithCredential(name: string, hold: NameHold, session: SessionRef): boolean {
    const keyHash = this.#ctx.directory.keyHash(name);
    return keyHash !== null && session.key !== undefined &&
      credentialMatches(session.key, keyHash) && session.opened !== undefined &&
      session.opened >= (hold.since ?? hold.seenAt);
  }

  /** The refusal of a name a live session holds: who holds it, and when to retry. */
  #inUse(name: string, hold: NameHold, session: SessionRef, now: number): string {
    const since = toIso(hold.since ?? hold.seenAt).slice(11, 16);
    const where = hold.where ?? "unknown";
    const keyHash = this.#ctx.directory.keyHash(name);
    const older = session.opened !== undefined && session.opened < (hold.since ?? hold.seenAt);
    if (
      older && keyHash !== null && session.key !== undefined &&
      credentialMatches(session.key, keyHash)
    ) {
      return `name: '${name}' was taken over at ${since} UTC by a newer session of ${name} ` +
        `(${where}); this older session has ended and may not take it back. Start a new ` +
        `session to continue as ${name}.`;
    }
    const freeAt = hold.seenAt + this.#ctx.directory.presenceMs;
    const inS = Math.max(1, Math.ceil((freeAt - now) / 1000));
    return `name: '${name}' is in use by another session since ${since} UTC (${where}); ` +
      `choose another name, or end that session. A session that ended without saying so lets ` +
      `the name go ${this.#ctx.directory.presenceMs / 1000} s after it was last seen: retry ` +
      `in ${inS} s (at ${toIso(freeAt).slice(11, 19)} UTC).`;
  }

  /** The refusal (audited) of a session that does not present the name's credential. */
  #credentialRefusal(
    name: string,
    keyHash: string | null,
    session: SessionRef,
  ): ForbiddenError | undefined {
    if (keyHash === null || (session.key && credentialMatches(session.key, keyHash))) {
      return undefined;
    }
    this.#ctx.publisher.publish({
      type: "credential.refused",
      by: { kind: "system" },
      name,
      reason: session.key ? "wrong credential" : "no credential",
      where: session.where,
    });
    return new ForbiddenError(
      `name: '${name}' has a credential${
        session.key ? ", and the one this session presented is not it" : ""
      }; only a session that presents it may take the name. Start the stdio server with ` +
        `--agent ${name} and TEAM_TABLE_AGENT_KEY, or connect over HTTP with its agent ` +
        `token; the operator issues one with: team-table members token ${name}.`,
    );
  }

  #keylessRefusal(name: string, role: string): ForbiddenError {
    return new ForbiddenError(
      `role: '${name}' has the privileged role '${role}', which only a name with a ` +
        `credential may use; the operator issues one with: team-table members token ${name}.`,
    );
  }

  #operatorOnly(by: Actor, what: string): void {
    if (by.kind !== "human") throw new ForbiddenError(`Only the operator ${what}.`);
  }

  #role(name: string, field: string): Role {
    if (this.#ctx.roles.has(name)) return this.#ctx.roles.get(name);
    throw new ValidationError(
      `${field}: there is no role '${name}'. Roles: ${this.#ctx.roles.names().join(", ")} ` +
        `(list_roles describes them).`,
    );
  }

  /** The acting agent's own member row (only an agent has one). */
  #self(by: Actor) {
    if (by.kind !== "agent") {
      throw new ValidationError("name: only an agent can deregister or beat for itself.");
    }
    return this.#ctx.directory.require(by.name);
  }
}

/** Where new names are counted for a session: its source, or the session itself. */
function _source(session: SessionRef): string {
  return session.source ?? `session ${session.id}`;
}
