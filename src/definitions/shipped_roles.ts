/**
 * The role templates shipped inside the binary. They are text imports, so they are part of the
 * module graph and `deno compile` embeds them: nothing is read from roles/ at run time.
 */
import admin from "../../roles/admin.yaml" with { type: "text" };
import agent from "../../roles/agent.yaml" with { type: "text" };
import architect from "../../roles/architect.yaml" with { type: "text" };
import asyncWorker from "../../roles/async-worker.yaml" with { type: "text" };
import coder from "../../roles/coder.yaml" with { type: "text" };
import designer from "../../roles/designer.yaml" with { type: "text" };
import lead from "../../roles/lead.yaml" with { type: "text" };
import reviewer from "../../roles/reviewer.yaml" with { type: "text" };
import tester from "../../roles/tester.yaml" with { type: "text" };

/** File name (without .yaml) to YAML text. */
export const SHIPPED_ROLE_FILES: Readonly<Record<string, string>> = {
  admin,
  agent,
  architect,
  "async-worker": asyncWorker,
  coder,
  designer,
  lead,
  reviewer,
  tester,
};
