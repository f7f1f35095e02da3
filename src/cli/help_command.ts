/** `team-table help`: every command, flag and environment variable. */

/** The help text. */
export const USAGE = `team-table — the coordination table for teams of AI agents (MCP server)

Usage:
  team-table [options]               MCP server over stdio (what an MCP client starts)
  team-table serve [options]         MCP over HTTP (/mcp, /sse) with push events (/events/{agent})
  team-table poll <agent> [options]  print an agent's new messages and events (stdio fallback)
  team-table roles list | show NAME | check DIR
                                     the role templates: list, show one, validate a directory
  team-table members list | add NAME [--role R] | token NAME | grant NAME ROLE |
                     revoke NAME | reset NAME | remove NAME
                                     who is registered and present; credentials (printed
                                     once), roles, freeing a held name, removing a member
  team-table status [--since 2h]     the table at a glance: members, board, blocked tasks,
                                     unread mail, and what happened since (default 24h)
  team-table search WORDS [--kinds K,K] [--agent NAME] [--since 2h] [--limit N] [--json]
                                     full-text search of messages, tasks, comments and shared
                                     context (kinds: message, task, comment, context); every
                                     word must match, "quoted words" are a phrase, word* a prefix
  team-table send TO TEXT [--task ID]        a message to an agent, as human:OPERATOR
  team-table broadcast TEXT [--task ID]      a message to everyone, as human:OPERATOR
  team-table task create TITLE [--assignee A] [--priority P] [--description D]
  team-table task assign ID AGENT | update ID [--status S] [--result R] | close ID [--result R]
  team-table task list [--status S] [--assignee A] | show ID
                                     the task board, as human:OPERATOR
  team-table context get KEY | set KEY VALUE [--ttl SECONDS] | list   [--ns NS]
                                     shared context, as human:OPERATOR
  team-table lease check [--agent NAME] [--root DIR] (PATH... | --hook | --staged)
                                     exit 2 when another agent leased a path exclusively
  team-table lease hook install [--agent NAME] [--root DIR]   a git pre-commit hook
  team-table lease list | release ID... --reason TEXT   leases; force-release as operator
  team-table doctor [--url URL] [--json] [--fix]
                                     is the table healthy: database integrity, schema, WAL
                                     size, file permissions, names of exited processes, work
                                     of agents long gone, serve reachable with the operator
                                     token (TEAM_TABLE_TOKEN or the token file), the MCP
                                     clients' team-table entries (setup status); exit 1 on any
                                     problem, each with its fix; --fix does what it can
  team-table setup --agent NAME [--url URL] [--key KEY] [--client ID]... [--scope user|project]
                   [--project DIR] [--name ENTRY] [--command PATH] [--hooks] [--dry-run | --yes]
                                     add team-table to the MCP clients installed for this user
                                     (claude-code, codex, cursor, vscode, gemini) as agent NAME:
                                     stdio, or HTTP with --url (serve's /mcp) and the agent's
                                     token; --hooks also the Claude Code edit hook and the git
                                     pre-commit hook; the plan is shown, then asked or --yes
  team-table setup status [--agent NAME] [--url URL] [--client ID]... [--json]
                                     each client's entry beside the expected one, what drifted
                                     and the command that fixes it; exit 1 on any drift
  team-table version | --version     print the versions
  team-table help | --help           print this help

Options for every command (before or after it):
  --db PATH            the SQLite database (env TEAM_TABLE_DB; default ~/.team-table/team_table.db)
  --log-level LEVEL    debug, info, warn or error (env TEAM_TABLE_LOG_LEVEL; default info)
  --roles-dir DIR      role templates that replace or add to the shipped ones
                       (env TEAM_TABLE_ROLES_DIR)
  --rules FILE         workflow rules that replace or add to the shipped defaults
                       (env TEAM_TABLE_RULES)
  --channel            stdio: push table events into the session as Claude Code channel
                       notifications (env TEAM_TABLE_CHANNEL=1)
  --agent NAME         stdio: this server is agent NAME, bound before the first tool call
                       (env TEAM_TABLE_AGENT; its credential in TEAM_TABLE_AGENT_KEY)
  TEAM_TABLE_TICK      seconds between runs of time-based rules (agent.idle) and the
                       expired-context sweep (default 15)

serve:
  --host HOST          address to listen on (env TEAM_TABLE_HOST; default 127.0.0.1)
  --port PORT          port, 0 picks a free one (env TEAM_TABLE_PORT; default 8741)
  --no-auth            no access token (refused unless the host is loopback)
  --allow-origin NAME  also accept this host name or origin in Host/Origin headers (repeatable)
  --heartbeat SECONDS  heartbeat interval on event streams (env TEAM_TABLE_HEARTBEAT; default 30)
  --session-idle SECONDS  end MCP sessions idle this long (env TEAM_TABLE_SESSION_IDLE; default 1800)
  --max-sessions N     MCP sessions open at once; a new one past it gets 503
                       (env TEAM_TABLE_MAX_SESSIONS; default 100)
  --max-sessions-per-credential N  sessions one credential may hold; past it, its least
                       recently used one ends (env TEAM_TABLE_MAX_SESSIONS_PER_CREDENTIAL; default 20)
  --body-timeout SECONDS  a request body must arrive this soon after its headers, else 408
                       (env TEAM_TABLE_BODY_TIMEOUT; default 30)
  --tls-cert FILE --tls-key FILE  serve HTTPS with this PEM certificate chain and key
                       (env TEAM_TABLE_TLS_CERT, TEAM_TABLE_TLS_KEY; default plain HTTP)
  --operator NAME      (also send, broadcast, task, context, lease) the name humans act
                       under, shown as human:NAME (env TEAM_TABLE_OPERATOR; default human)
  --no-metrics         no /metrics (Prometheus text for the operator token; on by default)
  --join-token         accept a join token (new agents register new, unprivileged names;
                       env TEAM_TABLE_JOIN_TOKEN), kept in 'join_token' beside the database
  The operator token is TEAM_TABLE_TOKEN, or one generated on first start and kept in the file
  'token' beside the database; agent tokens come from 'team-table members add NAME'.

poll <agent>:
  --interval SECONDS   how often to look (default 30; fractions allowed)
  --once               print what is new since the last poll, then exit
  --json               one JSON object per line instead of text
  --exec COMMAND       run COMMAND (via sh -c) for each event; the event JSON is on its stdin
                       and in TEAM_TABLE_EVENT (also TEAM_TABLE_EVENT_ID, TEAM_TABLE_EVENT_TYPE)
  --auto-reply         acknowledge direct messages automatically; a question or decision is
                       escalated (ESCALATE line) and ends auto-replies for the run
  --max-replies N      cap on automatic replies per run (default 13)

Logs go to stderr; in stdio mode stdout carries only MCP JSON-RPC.`;

/** Prints the help text to stdout. */
export function helpCommand(): number {
  console.log(USAGE);
  return 0;
}
