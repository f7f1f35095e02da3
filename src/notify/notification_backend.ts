/**
 * How the table tells agents that something happened (roadmap phase 2). A backend receives
 * `notify(agent, event)` for each event addressed to an agent that it can reach.
 *
 * `configureNotifications(backend)` selects the backend for the process: `serve` installs the
 * SSE backend at start-up; stdio keeps the no-op backend (there is no push channel to the
 * model; the unread badge and `team-table poll` cover it).
 */

/** One event as pushed to a client. `id` is the outbox id; connection events have none. */
export interface PushEvent {
  id?: number;
  type: string;
  data: Record<string, unknown>;
}

export interface NotificationBackend {
  notify(agentName: string, event: PushEvent): void;
  /** The agents that currently have a connection (used to fan out events for everyone). */
  connectedAgents(): string[];
  /** Every event, whoever it is for (observers such as the web view). */
  observe?(event: PushEvent): void;
}

export class NoOpNotificationBackend implements NotificationBackend {
  notify(): void {}
  connectedAgents(): string[] {
    return [];
  }
}

let _backend: NotificationBackend = new NoOpNotificationBackend();

/** Selects the process's notification backend. */
export function configureNotifications(backend: NotificationBackend): void {
  _backend = backend;
}

/** The backend selected by configureNotifications (no-op until then). */
export function notificationBackend(): NotificationBackend {
  return _backend;
}
