/**
 * What every store of the domain is built from: the transaction runner, prepared statements,
 * the clock, the role catalog, member lookups, actor resolution and the change publisher.
 * createTable makes one and hands it to each store.
 */
import type { Publisher } from "./changes/publisher.ts";
import type { Clock } from "./clock.ts";
import type { MemberDirectory } from "./members/member_directory.ts";
import type { Principals } from "./permissions/principal.ts";
import type { RoleCatalog } from "./role_catalog.ts";
import type { Statements } from "../db/statements.ts";
import type { Transactor } from "../db/transaction.ts";

export interface StoreContext {
  readonly tx: Transactor;
  readonly sql: Statements;
  readonly clock: Clock;
  readonly roles: RoleCatalog;
  readonly directory: MemberDirectory;
  readonly principals: Principals;
  readonly publisher: Publisher;
}
