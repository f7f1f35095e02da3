/**
 * Every size and rate limit of the table, in one place; the README quotes these. Tools, CLI,
 * web API, rules and role files all read them from here (see src/core/input_rules/).
 */
export const LIMITS = {
  /** An agent's name (src/core/input_rules/agent_names.ts). */
  agentNameMax: 64,
  /** An actor or target that is not necessarily an agent: "rule:NAME", "human:NAME", "role:X". */
  actorNameMax: 80,
  /** A role name such as `async-worker`. */
  roleMax: 32,
  /** A task type such as `bugfix`. */
  taskTypeMax: 32,
  /** A workflow rule's name such as `notify-on-blocker`. */
  ruleNameMax: 64,
  /** A shared-context namespace. */
  namespaceMax: 64,
  capabilitiesMax: 20,
  capabilityMax: 64,
  contentMax: 10_000,
  /** A message's subject, shown in previews and the unread badge. */
  subjectMax: 120,
  /** The note an agent may add when it acknowledges a message. */
  ackNoteMax: 500,
  /** An acknowledgement still owed after this long is overdue (message.ack_overdue rules). */
  ackOverdueDefaultMs: 15 * 60_000,
  /**
   * A broadcast that asks for acknowledgement stands this long (unless retracted): members who
   * join meanwhile receive it and owe the acknowledgement too.
   */
  standingNoticeMs: 24 * 3_600_000,
  /** At most this many names in each of a message's acknowledged and pending lists. */
  ackNamesShown: 50,
  /** A search query: its length, and how many words or phrases it may hold. */
  searchQueryMax: 500,
  searchTermsMax: 16,
  /**
   * A search's cost: prefix words (each is expanded across the whole index before the first
   * result), matches ranked (newest first), and milliseconds spent ranking them.
   */
  searchPrefixTermsMax: 3,
  /** Distinct words of the index one prefix may stand for (counted before it is expanded). */
  searchPrefixWordsMax: 1_000,
  searchScanMax: 1_000,
  searchBudgetMs: 20,
  searchLimitDefault: 20,
  searchLimitMax: 100,
  titleMax: 200,
  /** Tasks one agent created that are not done yet (what one agent may leave open). */
  openTasksPerCreatorMax: 1_000,
  descriptionMax: 5_000,
  resultMax: 5_000,
  contextKeyMax: 128,
  contextValueMax: 50_000,
  /**
   * What one agent may hold in shared context: live keys whose latest version it wrote, and
   * their values' bytes (UTF-8).
   */
  contextKeysPerAgentMax: 1_000,
  contextBytesPerAgentMax: 10_000_000,
  /** How long a shared value may live, in seconds (a year). */
  contextTtlMaxS: 365 * 24 * 3_600,
  /** A workflow rule's description, condition (`if`), action texts and number of actions. */
  ruleDescriptionMax: 500,
  ruleConditionMax: 1_000,
  ruleTextMax: 2_000,
  ruleActionsMax: 10,
  /** A role file's description, guidelines and task-affinity list. */
  roleDescriptionMax: 500,
  roleGuidelinesMax: 5_000,
  taskAffinityMax: 20,
  /** An audit action filter such as `member.*`. */
  auditActionMax: 64,
  /**
   * Messages per sender per window: per name, and per session over every name it used (so
   * that switching names does not multiply it). TEAM_TABLE_RATE_LIMIT overrides the count.
   */
  messagesPerWindow: 30,
  rateWindowMs: 60_000,
  /** The unread badge on every result counts this many at most (then shows "100+"). */
  unreadBadgeCount: 100,
  /**
   * A new message this short is shown whole in the badge of the reader's next result, and so
   * read (no get_messages call to read a one-line note).
   */
  badgeWholeChars: 200,
  /** How many members the table holds at most (each broadcast is delivered to all of them). */
  membersMax: 5_000,
  /** New names one session (one MCP connection) may make. */
  newNamesPerSession: 5,
  /**
   * New names one source may make per registration window: a stdio process, an HTTP client's
   * address, or the join token (all its sessions together).
   */
  newNamesPerSource: 100,
  registrationWindowMs: 10 * 60_000,
  /**
   * Agent tokens the join token may have minted that are still held: in all, and for one
   * client address (docs/security.md).
   */
  joinCredentialsMax: 50,
  joinCredentialsPerAddress: 20,
  /**
   * Idle members told that a task is available (task_available), at most: one to take it and
   * one in case the first is slow or takes another task; each told member that finds nothing
   * costs a call, so more only adds lost races (docs/performance.md).
   */
  workOfferMax: 2,
  /** Tasks offered at most when released files free several at once. */
  workOffersPerRelease: 10,
  /**
   * Declared task paths near the freed files (by index) that one lease end reads to find the
   * tasks to offer; their comparisons share one call's overlap budget.
   */
  workOfferPathsReadMax: 500,
  /**
   * Events a resumed `/events` stream replays at most (the newest; a `resync` frame counts the
   * rest), well under the stream's queue of 1,000.
   */
  eventReplayMax: 500,
  /**
   * Bytes of frames a resumed `/events` stream replays at most (1 MiB): an event can be ~10 KB
   * (a 10,000-character broadcast), so 500 of them were ~5 MB per stream, held while the client
   * reads; the newest that fit are replayed and the `resync` frame counts the rest.
   */
  eventReplayBytesMax: 1024 * 1024,
  /**
   * `/events/{agent}` streams open at once for one agent; a new one closes its oldest. An agent
   * reads one stream (its channel or hook), two while a client reconnects before the server has
   * seen its old socket go; 5 leaves room for that and an operator watching, while one
   * credential can hold at most 5 queues (up to 1,000 events each) and heartbeats, not one per
   * request (docs/security.md).
   */
  eventStreamsPerAgentMax: 5,
  /** Lists for people and the CLI (web API, `team-table task list`). */
  listLimitDefault: 50,
  listLimitMax: 500,
  auditLimitDefault: 100,
  auditLimitMax: 1_000,
  /**
   * Pages of the lists the tools return, sized for a model's context: items per call by
   * default and at most (a cursor gives the next page).
   */
  pages: {
    tasks: { default: 20, max: 200 },
    inbox: { default: 20, max: 100 },
    thread: { default: 20, max: 100 },
    pendingAcks: { default: 20, max: 100 },
    members: { default: 50, max: 500 },
    audit: { default: 20, max: 200 },
    contextEntries: { default: 20, max: 100 },
    contextKeys: { default: 50, max: 500 },
    namespaces: { default: 50, max: 500 },
    contextHistory: { default: 20, max: 100 },
    leases: { default: 50, max: 500 },
    rules: { default: 50, max: 200 },
    /** A task's subtasks in get_task_detail, oldest first. */
    subtasks: { default: 20, max: 200 },
    /** A task's feed in get_task_detail: its newest entries. */
    feed: { default: 50, max: 200 },
  },
  /** A cursor's length (it holds the sort key of a page's last item). */
  cursorMax: 400,
  /** Long texts in lists are cut (the detail tool has them): a message in the inbox, a value. */
  inboxContentMax: 2_000,
  listValueMax: 300,
  /** File leases: paths per call, one path's length, leases one agent may hold, the reason. */
  leasePathsMax: 100,
  leasePathMax: 512,
  leasesPerAgentMax: 500,
  /** Leases whose first segment is a glob that an agent without manage_leases may hold. */
  leaseTopLevelGlobsMax: 10,
  leaseReasonMax: 500,
  /** The alternatives one lease glob may spell out to with `{a,b}`. */
  leaseGlobAlternativesMax: 32,
  /** Folders in one alternative of a lease glob, and `**` among them (bounds overlap work). */
  leaseGlobPartsMax: 32,
  leaseGlobStarStarMax: 8,
  /**
   * Steps one comparison of two lease globs may take (folder pairs visited over all their
   * alternatives); when they run out the globs are taken to overlap (a conflict).
   */
  leaseOverlapStepsMax: 4_096,
  /**
   * Steps of a call's overlap budget one indexed read of the leases near a path costs per
   * folder of the path (an index probe each), for the calls that read for many paths: a
   * round of waiters, a release's work offers, next_task's scan.
   */
  leaseNearReadSteps: 16,
  /**
   * Steps all the glob comparisons of one lease call may take together (a reservation, a
   * listing by path, a maintenance round's waiters); past it, globs are taken to overlap.
   */
  leaseOverlapCallStepsMax: 100_000,
  /** Conflicts one refused reservation lists at most. */
  leaseConflictsListedMax: 50,
  /** Agents waiting (notify_when_free) for paths: per agent, and in all. */
  leaseWaitersPerAgentMax: 10,
  leaseWaitersMax: 200,
  /** A lease's time to live when none is asked for (an hour), and the longest by default. */
  leaseTtlDefaultS: 3_600,
  leaseTtlMaxDefaultS: 24 * 3_600,
  /** How long an ended lease is remembered, so that a call naming its id is told what it was. */
  leaseEndedKeepS: 7 * 24 * 3_600,
} as const;
