/** The session that holds (or asks for) a name: its id and where it runs, for refusals. */
export interface SessionRef {
  /** Random, unique per MCP connection. */
  readonly id: string;
  /** Where it runs, shown to whoever is refused the name: "stdio, pid 4711", "http 10.0.0.5". */
  readonly where: string;
  /** The credential the session presented (an env key on stdio, a bearer token on HTTP). */
  readonly key?: string | undefined;
  /**
   * Who stands behind the session, for the registration limits: "stdio, pid 4711",
   * "http 10.0.0.5", "join token". Default: the session itself.
   */
  readonly source?: string | undefined;
  /** The local process that runs the session (stdio): once it no longer exists, its name is free. */
  readonly process?: { readonly pid: number; readonly host: string } | undefined;
  /**
   * When the session began (the table's clock): a session that presents the name's credential
   * takes the name over from a session that took it before this time (its own older session).
   */
  readonly opened?: number | undefined;
}
