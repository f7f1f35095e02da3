/** Every size and rate limit of the table, in one place; the README quotes these. */
export const LIMITS = {
  agentNameMax: 64,
  roleMax: 32,
  capabilitiesMax: 20,
  capabilityMax: 64,
  contentMax: 10_000,
  titleMax: 200,
  descriptionMax: 5_000,
  resultMax: 5_000,
  contextKeyMax: 128,
  contextValueMax: 50_000,
  messagesPerWindow: 30,
  rateWindowMs: 60_000,
  listLimitDefault: 50,
  listLimitMax: 500,
  auditLimitDefault: 100,
  auditLimitMax: 1_000,
} as const;
