/**
 * Numbered schema migrations. `PRAGMA user_version` records how many have been applied; each
 * migration runs once, in order, inside the migrating transaction. Never edit a released
 * migration: add a new one.
 */
import type { DatabaseSync } from "node:sqlite";

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "members, messages with per-recipient deliveries, tasks, shared context, audit",
    sql: `
      CREATE TABLE members (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        role TEXT NOT NULL DEFAULT 'agent',
        capabilities TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
        registered_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );

      CREATE TABLE tasks (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        priority TEXT NOT NULL,
        creator TEXT NOT NULL,
        assignee TEXT COLLATE NOCASE,
        result TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        claimed_at INTEGER,
        completed_at INTEGER
      );
      CREATE INDEX tasks_by_status ON tasks (status, id);
      CREATE INDEX tasks_by_assignee ON tasks (assignee, id);

      -- archived_at here retracts the message for everyone (sender or admin deleted it);
      -- per-recipient read/archived state lives in deliveries.
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        sender TEXT NOT NULL,
        recipient TEXT,
        content TEXT NOT NULL,
        task_id INTEGER REFERENCES tasks (id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        archived_at INTEGER
      );
      CREATE INDEX messages_by_sender ON messages (sender, created_at);
      CREATE INDEX messages_by_time ON messages (created_at);

      CREATE TABLE deliveries (
        agent TEXT NOT NULL COLLATE NOCASE,
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        read_at INTEGER,
        archived_at INTEGER,
        PRIMARY KEY (agent, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX deliveries_by_message ON deliveries (message_id);

      CREATE TABLE shared_context (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        set_by TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        agent TEXT,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_by_agent ON audit_log (agent, id);
      CREATE INDEX audit_by_action ON audit_log (action, id);
      CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 2,
    description: "event outbox for push delivery, and poll cursors",
    sql: `
      -- recipient is an agent name, or '*' for everyone except except_agent.
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        recipient TEXT NOT NULL COLLATE NOCASE,
        except_agent TEXT COLLATE NOCASE,
        type TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_by_recipient ON events (recipient, id);
      CREATE INDEX events_by_time ON events (at);

      CREATE TABLE poll_cursors (
        agent TEXT PRIMARY KEY COLLATE NOCASE,
        last_event_id INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: "task activity feed, reviewers and review claims, messages by task",
    sql: `
      ALTER TABLE tasks ADD COLUMN reviewer TEXT COLLATE NOCASE;
      ALTER TABLE tasks ADD COLUMN review_claimed_at INTEGER;

      -- type: comment | status_change | blocker | resolution
      CREATE TABLE task_activity (
        id INTEGER PRIMARY KEY,
        task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        agent TEXT NOT NULL,
        type TEXT NOT NULL,
        content TEXT NOT NULL
      );
      CREATE INDEX task_activity_by_task ON task_activity (task_id, id);
      CREATE INDEX messages_by_task ON messages (task_id) WHERE task_id IS NOT NULL;

      -- Tasks from before the feed existed get their creation and claim as entries.
      INSERT INTO task_activity (task_id, at, agent, type, content)
        SELECT id, created_at, creator, 'status_change', 'created task' FROM tasks;
      INSERT INTO task_activity (task_id, at, agent, type, content)
        SELECT id, claimed_at, assignee, 'status_change', 'claimed task' FROM tasks
        WHERE claimed_at IS NOT NULL AND assignee IS NOT NULL;
    `,
  },
  {
    version: 4,
    description: "task types, for role affinity",
    sql: `
      ALTER TABLE tasks ADD COLUMN type TEXT;
      CREATE INDEX tasks_pending_by_type ON tasks (type) WHERE status = 'pending';
    `,
  },
  {
    version: 5,
    description: "namespaced, versioned shared context with expiry; old entries move to 'default'",
    sql: `
      -- One row per version. value is NULL and deleted = 1 for a tombstone (a deletion).
      CREATE TABLE context_entries (
        ns TEXT NOT NULL,
        key TEXT NOT NULL,
        version INTEGER NOT NULL,
        value TEXT,
        set_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (ns, key, version)
      ) WITHOUT ROWID;
      CREATE INDEX context_entries_by_expiry ON context_entries (expires_at)
        WHERE expires_at IS NOT NULL;
      INSERT INTO context_entries (ns, key, version, value, set_by, created_at)
        SELECT 'default', key, version, value, set_by, updated_at FROM shared_context;
      DROP TABLE shared_context;
    `,
  },
  {
    version: 6,
    description: "subtasks, task dependencies, runtime rules and rule firings",
    sql: `
      ALTER TABLE tasks ADD COLUMN parent_id INTEGER REFERENCES tasks (id) ON DELETE RESTRICT;
      CREATE INDEX tasks_by_parent ON tasks (parent_id) WHERE parent_id IS NOT NULL;

      -- task_id cannot move to in_progress or done while blocker_id is not done.
      CREATE TABLE task_dependencies (
        task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        blocker_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        PRIMARY KEY (task_id, blocker_id),
        CHECK (task_id <> blocker_id)
      ) WITHOUT ROWID;
      CREATE INDEX task_dependencies_by_blocker ON task_dependencies (blocker_id);

      -- Rules created at run time (definition is JSON), and enabled overrides of file rules
      -- (definition NULL).
      CREATE TABLE rules (
        name TEXT PRIMARY KEY,
        definition TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- Time-based firings, so that two processes never both act on one occurrence.
      CREATE TABLE rule_firings (
        rule TEXT NOT NULL,
        subject TEXT NOT NULL,
        fired_at INTEGER NOT NULL,
        PRIMARY KEY (rule, subject)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    description: "identity: agent credentials (hashed) and names held by live sessions",
    sql: `
      -- The SHA-256 (hex) of the agent's credential; NULL: the name has none.
      ALTER TABLE members ADD COLUMN key_hash TEXT;
      CREATE UNIQUE INDEX members_by_key ON members (key_hash) WHERE key_hash IS NOT NULL;
      -- The live session holding the name (NULL: nobody), where it runs, since when; seen_at
      -- is when a session last showed it was alive (or let the name go).
      ALTER TABLE members ADD COLUMN session_id TEXT;
      ALTER TABLE members ADD COLUMN session_where TEXT;
      ALTER TABLE members ADD COLUMN session_since INTEGER;
      ALTER TABLE members ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
      UPDATE members SET seen_at = last_seen;
      CREATE INDEX members_by_session ON members (session_id) WHERE session_id IS NOT NULL;
    `,
  },
  {
    version: 8,
    description: "threads, acknowledgements, and a full-text search index kept by triggers",
    sql: `
      -- Threads: thread_id is the id of the message that started the thread (its own id for
      -- a message that replies to nothing). No foreign keys: a purge may remove the start.
      ALTER TABLE messages ADD COLUMN thread_id INTEGER;
      ALTER TABLE messages ADD COLUMN reply_to INTEGER;
      ALTER TABLE messages ADD COLUMN subject TEXT;
      ALTER TABLE messages ADD COLUMN ack_required INTEGER NOT NULL DEFAULT 0;
      UPDATE messages SET thread_id = id;
      CREATE INDEX messages_by_thread ON messages (thread_id, id);

      -- Acknowledgements, per recipient: requested when the message asked for one.
      ALTER TABLE deliveries ADD COLUMN ack_requested_at INTEGER;
      ALTER TABLE deliveries ADD COLUMN acked_at INTEGER;
      ALTER TABLE deliveries ADD COLUMN ack_note TEXT;
      CREATE INDEX deliveries_awaiting_ack ON deliveries (ack_requested_at)
        WHERE ack_requested_at IS NOT NULL AND acked_at IS NULL;

      -- One full-text index over what agents wrote. rowid = source id * 4 + kind:
      -- 0 a message (not retracted), 1 a task (title; description and result),
      -- 2 a task comment, blocker or resolution, 3 a shared-context key (its latest version,
      -- through search_context_keys). The triggers below keep it in step, in the writing
      -- transaction.
      CREATE VIRTUAL TABLE search_index USING fts5 (
        title, body, tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TABLE search_context_keys (
        id INTEGER PRIMARY KEY,
        ns TEXT NOT NULL,
        key TEXT NOT NULL,
        UNIQUE (ns, key)
      );

      CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
        INSERT INTO search_index (rowid, title, body)
          SELECT new.id * 4, coalesce(new.subject, ''), new.content
          WHERE new.archived_at IS NULL;
      END;
      CREATE TRIGGER messages_search_update AFTER UPDATE OF subject, content, archived_at
        ON messages BEGIN
        DELETE FROM search_index WHERE rowid = old.id * 4;
        INSERT INTO search_index (rowid, title, body)
          SELECT new.id * 4, coalesce(new.subject, ''), new.content
          WHERE new.archived_at IS NULL;
      END;
      CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
        DELETE FROM search_index WHERE rowid = old.id * 4;
      END;

      CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
        INSERT INTO search_index (rowid, title, body)
          VALUES (new.id * 4 + 1, new.title,
                  trim(new.description || char(10) || coalesce(new.result, '')));
      END;
      CREATE TRIGGER tasks_search_update AFTER UPDATE OF title, description, result ON tasks BEGIN
        DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
        INSERT INTO search_index (rowid, title, body)
          VALUES (new.id * 4 + 1, new.title,
                  trim(new.description || char(10) || coalesce(new.result, '')));
      END;
      CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
        DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
      END;

      CREATE TRIGGER task_activity_search_insert AFTER INSERT ON task_activity
        WHEN new.type <> 'status_change' BEGIN
        INSERT INTO search_index (rowid, title, body) VALUES (new.id * 4 + 2, '', new.content);
      END;
      CREATE TRIGGER task_activity_search_delete AFTER DELETE ON task_activity
        WHEN old.type <> 'status_change' BEGIN
        DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
      END;

      -- A new version is always the latest: it replaces what the key had in the index (a
      -- tombstone removes it).
      CREATE TRIGGER context_search_insert AFTER INSERT ON context_entries BEGIN
        INSERT OR IGNORE INTO search_context_keys (ns, key) VALUES (new.ns, new.key);
        DELETE FROM search_index
          WHERE rowid = (SELECT id * 4 + 3 FROM search_context_keys
                         WHERE ns = new.ns AND key = new.key);
        INSERT INTO search_index (rowid, title, body)
          SELECT id * 4 + 3, new.key, new.value FROM search_context_keys
          WHERE ns = new.ns AND key = new.key AND new.deleted = 0;
      END;
      -- Removing the latest version (an expiry sweep) indexes what is now latest, if anything.
      CREATE TRIGGER context_search_delete AFTER DELETE ON context_entries
        WHEN NOT EXISTS (SELECT 1 FROM context_entries
                         WHERE ns = old.ns AND key = old.key AND version > old.version) BEGIN
        DELETE FROM search_index
          WHERE rowid = (SELECT id * 4 + 3 FROM search_context_keys
                         WHERE ns = old.ns AND key = old.key);
        INSERT INTO search_index (rowid, title, body)
          SELECT k.id * 4 + 3, e.key, e.value
          FROM search_context_keys k JOIN context_entries e ON e.ns = k.ns AND e.key = k.key
          WHERE k.ns = old.ns AND k.key = old.key AND e.deleted = 0
            AND e.version = (SELECT max(version) FROM context_entries
                             WHERE ns = old.ns AND key = old.key);
      END;

      -- What was written before the index existed.
      INSERT INTO search_index (rowid, title, body)
        SELECT id * 4, '', content FROM messages WHERE archived_at IS NULL;
      INSERT INTO search_index (rowid, title, body)
        SELECT id * 4 + 1, title, trim(description || char(10) || coalesce(result, ''))
        FROM tasks;
      INSERT INTO search_index (rowid, title, body)
        SELECT id * 4 + 2, '', content FROM task_activity WHERE type <> 'status_change';
      INSERT INTO search_context_keys (ns, key)
        SELECT DISTINCT ns, key FROM context_entries ORDER BY ns, key;
      INSERT INTO search_index (rowid, title, body)
        SELECT k.id * 4 + 3, e.key, e.value
        FROM search_context_keys k JOIN context_entries e ON e.ns = k.ns AND e.key = k.key
        WHERE e.deleted = 0 AND e.version = (SELECT max(version) FROM context_entries
                                             WHERE ns = k.ns AND key = k.key);
    `,
  },
  {
    version: 9,
    description: "a reviewer's note on a task, kept beside the implementer's result",
    sql: `
      ALTER TABLE tasks ADD COLUMN review_note TEXT;
    `,
  },
  {
    version: 10,
    description: "web view sign-in: server-side sessions and one-time sign-in codes (hashed)",
    sql: `
      -- A signed-in browser. Only the SHA-256 of the session id (the cookie) is kept;
      -- operator_hash is the operator token's, so a new token ends the old sessions.
      CREATE TABLE web_sessions (
        id_hash TEXT PRIMARY KEY,
        csrf TEXT NOT NULL,
        operator_hash TEXT NOT NULL,
        address TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
      -- A sign-in link's code: single use (deleted when used), short-lived.
      CREATE TABLE web_sign_in_codes (
        code_hash TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 11,
    description: "file leases: paths an agent is editing, waiters, and the paths a task declares",
    sql: `
      -- One row per reserved path or glob (repository-relative, POSIX). A lease ends by being
      -- deleted; the audit log keeps its story.
      CREATE TABLE leases (
        id INTEGER PRIMARY KEY,
        agent TEXT NOT NULL COLLATE NOCASE,
        path TEXT NOT NULL,
        exclusive INTEGER NOT NULL,
        reason TEXT,
        task_id INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX leases_by_agent ON leases (agent, id);
      CREATE INDEX leases_by_task ON leases (task_id) WHERE task_id IS NOT NULL;
      -- A refused reservation that asked to be told when its paths are free.
      CREATE TABLE lease_waiters (
        id INTEGER PRIMARY KEY,
        agent TEXT NOT NULL COLLATE NOCASE,
        paths TEXT NOT NULL,
        exclusive INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      -- The paths a task says it will touch (create_task paths).
      CREATE TABLE task_paths (
        task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        PRIMARY KEY (task_id, path)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 12,
    description: "where names and messages come from, so that registrations and message rates " +
      "are limited per session and per source",
    sql: `
      -- The session that made a new name, and its source (a process, an address, the join
      -- token); NULL for names made before, or by the operator.
      ALTER TABLE members ADD COLUMN registered_session TEXT;
      ALTER TABLE members ADD COLUMN registered_source TEXT;
      CREATE INDEX members_by_registered_session ON members (registered_session)
        WHERE registered_session IS NOT NULL;
      CREATE INDEX members_by_registered_source ON members (registered_source, registered_at)
        WHERE registered_source IS NOT NULL;
      -- The MCP session a message was sent from (NULL: not from a session).
      ALTER TABLE messages ADD COLUMN session_id TEXT;
      CREATE INDEX messages_by_session ON messages (session_id, created_at)
        WHERE session_id IS NOT NULL;
    `,
  },
  {
    version: 13,
    description: "the unread badge reads only unread deliveries; no time indexes on the hot path",
    sql: `
      -- Every tool result counts the caller's unread mail: this index holds only unread,
      -- unarchived deliveries, so the count and the newest few cost the same at any backlog.
      CREATE INDEX deliveries_unread ON deliveries (agent, message_id, read_at, archived_at)
        WHERE read_at IS NULL AND archived_at IS NULL;
      -- A message retracted for everyone has every delivery archived from now on, so the
      -- count needs no join; the same for those retracted before.
      UPDATE deliveries SET archived_at = (SELECT archived_at FROM messages WHERE id = message_id)
        WHERE archived_at IS NULL
          AND message_id IN (SELECT id FROM messages WHERE archived_at IS NOT NULL);
      -- Read only by the operator's purge and the hourly prune, which can scan; every message
      -- and event paid for them.
      DROP INDEX messages_by_time;
      DROP INDEX events_by_time;
    `,
  },
  {
    version: 14,
    description: "a lease id names one lease forever; ended leases are remembered for a week; " +
      "context listings read no values",
    sql: `
      -- AUTOINCREMENT: an ended lease's id is never given to a new one (a plain INTEGER PRIMARY
      -- KEY reuses the highest id once its row is deleted), so a stale id cannot release
      -- another lease.
      CREATE TABLE leases_v14 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        agent TEXT NOT NULL COLLATE NOCASE,
        path TEXT NOT NULL,
        exclusive INTEGER NOT NULL,
        reason TEXT,
        task_id INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      INSERT INTO leases_v14 SELECT id, agent, path, exclusive, reason, task_id, created_at,
        expires_at FROM leases;
      DROP TABLE leases;
      ALTER TABLE leases_v14 RENAME TO leases;
      CREATE INDEX leases_by_agent ON leases (agent, id);
      CREATE INDEX leases_by_task ON leases (task_id) WHERE task_id IS NOT NULL;
      -- What an ended lease was, so that a call naming its id is told (kept a week).
      CREATE TABLE ended_leases (
        id INTEGER PRIMARY KEY,
        agent TEXT NOT NULL,
        path TEXT NOT NULL,
        reason TEXT NOT NULL,
        ended_at INTEGER NOT NULL
      );
      CREATE INDEX ended_leases_by_time ON ended_leases (ended_at);
      -- Which version of each key is live, without reading the rows: a value is stored in
      -- the row before created_at, so reading created_at read every value (a 1 KB value put
      -- 10,000 keys' namespace counts at ~300 ms).
      CREATE INDEX context_entries_versions
        ON context_entries (ns, key, version, deleted, expires_at, created_at);
    `,
  },
  {
    version: 15,
    description: "the process that holds a name, so that a name a dead stdio process held is " +
      "free at once",
    sql: `
      -- The pid and host (this machine and process namespace) of the stdio process whose
      -- session holds the name; NULL for HTTP sessions and names held by none.
      ALTER TABLE members ADD COLUMN session_pid INTEGER;
      ALTER TABLE members ADD COLUMN session_host TEXT;
    `,
  },
  {
    version: 16,
    description: "a review's verdict, author and time beside its note; subtasks by status",
    sql: `
      -- Set by a reviewer's verdict (or note) on a task awaiting review; cleared, with
      -- review_note, when the task is next handed over for review. Notes written before have
      -- none: their task's reviewer and updated_at stand in.
      ALTER TABLE tasks ADD COLUMN review_verdict TEXT;
      ALTER TABLE tasks ADD COLUMN review_by TEXT;
      ALTER TABLE tasks ADD COLUMN review_at INTEGER;
      -- next_task passes over tasks with open subtasks and every task shows its subtask counts:
      -- both read a parent's subtasks' statuses from this index alone.
      DROP INDEX tasks_by_parent;
      CREATE INDEX tasks_by_parent ON tasks (parent_id, status) WHERE parent_id IS NOT NULL;
    `,
  },
  {
    version: 17,
    description: "which credentials the join token minted, and from where, so that they are " +
      "bounded per join token and per address",
    sql: `
      -- Where the join-token registration that minted the member's credential came from
      -- ("http 10.0.0.5"); NULL when the operator issued it (members add, token, grant).
      ALTER TABLE members ADD COLUMN joined_from TEXT;
      CREATE INDEX members_by_joined_from ON members (joined_from) WHERE joined_from IS NOT NULL;
      UPDATE members SET joined_from = 'unknown'
        WHERE registered_source = 'join token' AND key_hash IS NOT NULL;
    `,
  },
  {
    version: 18,
    description: "a lease call reads only the leases near its paths, by index; a broadcast is " +
      "one row, delivered to each member when it next reads its inbox",
    sql: `
      -- Message ids never go back (a purge of the newest no longer lets the next message take
      -- their ids): the last id given, which members' broadcast marks below are compared with.
      CREATE TABLE message_ids (one INTEGER PRIMARY KEY CHECK (one = 1), last INTEGER NOT NULL);
      INSERT INTO message_ids (one, last) SELECT 1, coalesce(max(id), 0) FROM messages;
      -- A broadcast that asks for no acknowledgement gets no delivery row per member when it
      -- is sent: a member reads it if it was a member then (its id is above joined_after, the
      -- last message id when the member was added) and its row is written when the member next
      -- changes its inbox (broadcasts_upto: the last broadcast id written for it).
      ALTER TABLE members ADD COLUMN joined_after INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE members ADD COLUMN broadcasts_upto INTEGER NOT NULL DEFAULT 0;
      UPDATE members SET joined_after = (SELECT last FROM message_ids),
        broadcasts_upto = (SELECT last FROM message_ids);
      CREATE TRIGGER members_broadcast_marks AFTER INSERT ON members BEGIN
        UPDATE members SET joined_after = (SELECT last FROM message_ids),
          broadcasts_upto = (SELECT last FROM message_ids)
          WHERE rowid = new.rowid;
      END;
      CREATE INDEX messages_broadcasts ON messages (id) WHERE recipient IS NULL;

      -- The text every file the lease covers begins with: a file's own path, or a glob's
      -- folders before its first pattern ('src/**' -> 'src', '**/*.md' -> ''). Two leases can
      -- overlap only when one's is a prefix of the other's, which this index finds. Leases
      -- stored before say '' (they may cover anything) until they end, within a day.
      ALTER TABLE leases ADD COLUMN dir TEXT NOT NULL DEFAULT '';
      CREATE INDEX leases_by_dir ON leases (dir);
    `,
  },
  {
    version: 19,
    description: "the size of each shared-context value, and an index of open tasks by " +
      "creator, so that what one agent holds is counted from indexes (its quotas)",
    sql: `
      -- The value's UTF-8 bytes, written with it: share_context counts the live keys and bytes
      -- the writer holds from the index below alone, without reading the values.
      ALTER TABLE context_entries ADD COLUMN value_bytes INTEGER;
      UPDATE context_entries SET value_bytes = octet_length(value);
      CREATE INDEX context_entries_by_author
        ON context_entries (set_by, deleted, expires_at, value_bytes);
      -- create_task counts the creator's tasks that are not done from this index alone.
      CREATE INDEX tasks_open_by_creator ON tasks (creator) WHERE status <> 'done';
    `,
  },
  {
    version: 20,
    description: "indexes so that a status's tasks, the log since a visit and the lapsed " +
      "leases are read without reading the rest; shared-context keys counted per namespace",
    sql: `
      -- list_tasks(status) reads one status's tasks in board order (priority, then id) and
      -- stops at a page; the expression is the one TaskQueries sorts by.
      CREATE INDEX tasks_by_status_rank ON tasks
        (status, (CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END), id);
      -- and list_tasks without a status the whole board in that order (a page, not the table).
      CREATE INDEX tasks_by_rank ON tasks
        ((CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END), id);
      -- The summary of what happened since a visit reads only the log rows since then.
      CREATE INDEX audit_by_time ON audit_log (at);

      -- The sweep of lapsed leases reads only its candidates, not every live lease: the expired
      -- ones (by this index), those of members away past the grace (by members_by_seen), and
      -- those marked for a look (recheck = 1) when their task or holder changed, or when they
      -- were granted to a holder or task that already ends them. The sweep clears the marks.
      CREATE INDEX leases_by_expiry ON leases (expires_at);
      CREATE INDEX members_by_seen ON members (seen_at);
      ALTER TABLE leases ADD COLUMN recheck INTEGER NOT NULL DEFAULT 0;
      UPDATE leases SET recheck = 1;
      CREATE INDEX leases_to_recheck ON leases (id) WHERE recheck = 1;
      CREATE TRIGGER leases_recheck_task AFTER UPDATE OF status, assignee ON tasks
        WHEN new.status IS NOT old.status OR new.assignee IS NOT old.assignee BEGIN
        UPDATE leases SET recheck = 1 WHERE task_id = new.id;
      END;
      CREATE TRIGGER leases_recheck_task_gone AFTER DELETE ON tasks BEGIN
        UPDATE leases SET recheck = 1 WHERE task_id = old.id;
      END;
      CREATE TRIGGER leases_recheck_holder AFTER UPDATE OF status, name ON members
        WHEN new.status IS NOT old.status OR new.name IS NOT old.name BEGIN
        UPDATE leases SET recheck = 1 WHERE agent = old.name;
      END;
      CREATE TRIGGER leases_recheck_holder_gone AFTER DELETE ON members BEGIN
        UPDATE leases SET recheck = 1 WHERE agent = old.name;
      END;
      CREATE TRIGGER leases_recheck_granted AFTER INSERT ON leases
        WHEN NOT EXISTS (SELECT 1 FROM members WHERE name = new.agent AND status = 'active')
          OR (new.task_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tasks
                WHERE id = new.task_id AND status <> 'done' AND assignee = new.agent)) BEGIN
        UPDATE leases SET recheck = 1 WHERE id = new.id;
      END;
      CREATE TRIGGER leases_recheck_regranted AFTER UPDATE OF agent, task_id ON leases
        WHEN NOT EXISTS (SELECT 1 FROM members WHERE name = new.agent AND status = 'active')
          OR (new.task_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tasks
                WHERE id = new.task_id AND status <> 'done' AND assignee = new.agent)) BEGIN
        UPDATE leases SET recheck = 1 WHERE id = new.id;
      END;

      -- Each shared-context key's newest stored version (the head), and per namespace how many
      -- heads are not deletions: kept by these triggers in the writing transaction, so that
      -- list_namespaces reads a row per namespace instead of every key. A head that has expired
      -- but is not yet swept is found by its expiry, and the namespace count corrected.
      CREATE TABLE context_heads (
        ns TEXT NOT NULL,
        key TEXT NOT NULL,
        version INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (ns, key)
      ) WITHOUT ROWID;
      CREATE INDEX context_heads_newest ON context_heads (ns, created_at, expires_at)
        WHERE deleted = 0;
      CREATE INDEX context_heads_by_expiry ON context_heads (expires_at)
        WHERE deleted = 0 AND expires_at IS NOT NULL;
      CREATE TABLE context_namespaces (
        ns TEXT PRIMARY KEY,
        keys INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TRIGGER context_heads_counted AFTER INSERT ON context_heads
        WHEN new.deleted = 0 BEGIN
        INSERT INTO context_namespaces (ns, keys) VALUES (new.ns, 1)
          ON CONFLICT (ns) DO UPDATE SET keys = keys + 1;
      END;
      CREATE TRIGGER context_heads_uncounted AFTER DELETE ON context_heads
        WHEN old.deleted = 0 BEGIN
        UPDATE context_namespaces SET keys = keys - 1 WHERE ns = old.ns;
        DELETE FROM context_namespaces WHERE ns = old.ns AND keys = 0;
      END;
      CREATE TRIGGER context_heads_recounted AFTER UPDATE OF deleted ON context_heads
        WHEN old.deleted <> new.deleted BEGIN
        INSERT INTO context_namespaces (ns, keys) VALUES (new.ns, 1)
          ON CONFLICT (ns) DO UPDATE SET keys = keys + 1 - 2 * new.deleted;
        DELETE FROM context_namespaces WHERE ns = new.ns AND keys = 0;
      END;
      CREATE TRIGGER context_entries_head_insert AFTER INSERT ON context_entries BEGIN
        INSERT INTO context_heads (ns, key, version, deleted, created_at, expires_at)
          VALUES (new.ns, new.key, new.version, new.deleted, new.created_at, new.expires_at)
          ON CONFLICT (ns, key) DO UPDATE SET version = excluded.version,
            deleted = excluded.deleted, created_at = excluded.created_at,
            expires_at = excluded.expires_at
          WHERE excluded.version > context_heads.version;
      END;
      -- Removing the head (an expiry sweep) makes the newest version left the head, if any.
      CREATE TRIGGER context_entries_head_delete AFTER DELETE ON context_entries
        WHEN old.version = (SELECT version FROM context_heads
                            WHERE ns = old.ns AND key = old.key) BEGIN
        DELETE FROM context_heads WHERE ns = old.ns AND key = old.key;
        INSERT INTO context_heads (ns, key, version, deleted, created_at, expires_at)
          SELECT ns, key, version, deleted, created_at, expires_at FROM context_entries
          WHERE ns = old.ns AND key = old.key ORDER BY version DESC LIMIT 1;
      END;
      CREATE TRIGGER context_entries_head_update AFTER UPDATE ON context_entries BEGIN
        DELETE FROM context_heads WHERE ns = old.ns AND key = old.key;
        INSERT INTO context_heads (ns, key, version, deleted, created_at, expires_at)
          SELECT ns, key, version, deleted, created_at, expires_at FROM context_entries
          WHERE ns = old.ns AND key = old.key ORDER BY version DESC LIMIT 1;
        DELETE FROM context_heads WHERE ns = new.ns AND key = new.key;
        INSERT INTO context_heads (ns, key, version, deleted, created_at, expires_at)
          SELECT ns, key, version, deleted, created_at, expires_at FROM context_entries
          WHERE ns = new.ns AND key = new.key ORDER BY version DESC LIMIT 1;
      END;
      INSERT INTO context_heads (ns, key, version, deleted, created_at, expires_at)
        SELECT e.ns, e.key, e.version, e.deleted, e.created_at, e.expires_at
        FROM context_entries e
        WHERE e.version = (SELECT max(version) FROM context_entries
                           WHERE ns = e.ns AND key = e.key);
    `,
  },
  {
    version: 21,
    description: "the literal folder of each path a task declares, so that files freed by a " +
      "lease's end find the tasks waiting for them by index",
    sql: `
      -- As leases.dir (schema 18): a file's own path, a glob's folders before its first
      -- pattern character. A file's is set here; a glob declared before says '' (it may
      -- cover anything, so it is always a candidate, compared within the release's budget).
      ALTER TABLE task_paths ADD COLUMN dir TEXT NOT NULL DEFAULT '';
      UPDATE task_paths SET dir = path
        WHERE instr(path, '*') = 0 AND instr(path, '?') = 0 AND instr(path, '[') = 0
          AND instr(path, ']') = 0 AND instr(path, '{') = 0 AND instr(path, '}') = 0
          AND instr(path, '(') = 0;
      CREATE INDEX task_paths_by_dir ON task_paths (dir);
    `,
  },
  {
    version: 22,
    description: "where the running serve listens, so that web-link can name its real port",
    sql: `
      -- One row: the address the last serve to start prints in its banner, and its process
      -- (pid, and the host key of src/runtime/local_processes.ts); gone when it stops.
      CREATE TABLE serve_address (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        url TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        started_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 23,
    description: "the task an ended lease was held for (a task sent back gets back what it held)",
    sql: `
      -- A review that sends a task back leases to its assignee again the paths its hand-over
      -- ended: those rows, found by task. Rows ended before this version have none.
      ALTER TABLE ended_leases ADD COLUMN task_id INTEGER;
      CREATE INDEX ended_leases_by_task ON ended_leases (task_id, ended_at);
    `,
  },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;

/** Reads `PRAGMA user_version`. */
export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get();
  const value = row?.["user_version"];
  return typeof value === "number" ? value : 0;
}

/**
 * Applies every migration above the database's version, up to `target` (default: all), in one
 * IMMEDIATE transaction so that two processes starting at once cannot both migrate.
 */
export function migrate(db: DatabaseSync, target: number = LATEST_SCHEMA_VERSION): number {
  // Up to date, as at every start but the first after an upgrade: no write lock is taken, so a
  // starting process does not wait for another one's write.
  const seen = schemaVersion(db);
  if (seen > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(seen);
  if (seen >= target) return seen;
  db.exec("BEGIN IMMEDIATE");
  try {
    const current = schemaVersion(db);
    if (current > LATEST_SCHEMA_VERSION) {
      throw new SchemaTooNewError(current);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current || migration.version > target) continue;
      db.exec(migration.sql);
      db.exec(`PRAGMA user_version = ${migration.version}`);
    }
    db.exec("COMMIT");
    return schemaVersion(db);
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** The database was written by a newer team-table than this one. */
export class SchemaTooNewError extends Error {
  constructor(readonly found: number) {
    super(
      `its schema version is ${found}, newer than this team-table understands ` +
        `(${LATEST_SCHEMA_VERSION}); upgrade team-table`,
    );
    this.name = "SchemaTooNewError";
  }
}
