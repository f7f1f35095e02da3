/**
 * The unread badge as an agent reads it: a new message short enough to show whole is delivered
 * by the result that shows it (read, no get_messages call); a longer one is shown cut and waits.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { LIMITS } from "../src/core/limits.ts";
import { TestAgent } from "./support/test_agent.ts";
import { tempTeam } from "./support/temp_table.ts";

Deno.test("a short new message is read by the result whose badge shows it whole", async () => {
  using t = tempTeam(["carol"]);
  const bob = await TestAgent.inProcess(t.table);
  try {
    await bob.ok("register", { name: "bob" });
    const carol = agentActor("carol");
    const note = t.table.messages.send({ by: carol, recipient: "bob", content: "#7 is free now." });
    const beat = await bob.call("heartbeat");
    assert.equal(beat.texts[1], `📬 New, now read: #${note.id} from carol: "#7 is free now.".`);
    assert.deepEqual((beat.structured?.["unread"] as { count: number }).count, 0);
    assert.equal(t.table.messages.unreadCount("bob"), 0);
    const quiet = await bob.call("heartbeat");
    assert.equal(quiet.texts.length, 1, "nothing waits: no badge");

    const long = "x".repeat(LIMITS.badgeWholeChars + 1);
    const big = t.table.messages.send({ by: carol, recipient: "bob", content: long });
    const asked = t.table.messages.send({
      by: carol,
      recipient: "bob",
      content: "Agree?",
      ackRequired: true,
    });
    const next = await bob.call("heartbeat");
    assert.match(
      next.texts[1] ?? "",
      new RegExp(
        `^📬 You have 1 unread message\\. New: #${asked.id} from carol \\(acknowledge it\\): ` +
          `"Agree\\?"; #${big.id} from carol: "x+…"\\. get_messages reads the unread\\.$`,
      ),
    );
    const page = await bob.ok("get_messages");
    assert.deepEqual((page["messages"] as { id: number }[]).map((m) => m.id), [big.id]);
    assert.deepEqual(t.table.messages.acksOwed("bob").map((a) => a.message_id), [asked.id]);
  } finally {
    await bob.close();
  }
});
