import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { HttpAgent } from "../test/support/http-agent.ts";
import { checkWithPds, decide, selectPatient } from "../test/support/patients.ts";
import { signIn, USERS } from "../test/support/sign-in.ts";
import { startStack } from "../test/support/stack.ts";

const stack = await startStack({ env: { LOG_LEVEL: "info" } });
const agent = new HttpAgent();
await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
const page = await selectPatient(agent, stack.baseUrl, "999 100 0054", "RX1-000101");
await agent.follow(await decide(agent, await checkWithPds(agent, stack.baseUrl, page), "confirm"));
const cookie = ["ncrs_session", "ncrs_csrf", "ncrs_signin"]
  .map((n) => `${n}=${agent.cookie("localhost", n)}`)
  .join("; ");
const url = new URL(process.argv[2] === "home" ? `${stack.baseUrl}/home` : page.url).pathname;
stack.logs.length = 0;
for (let i = 0; i < 500; i++) await stack.built.app.inject({ url, headers: { cookie, accept: "text/html" } });
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
const n = 4000;
const t = performance.now();
for (let i = 0; i < n; i++) {
  await stack.built.app.inject({ url, headers: { cookie, accept: "text/html" } });
  if (i % 500 === 0) stack.logs.length = 0;
}
console.error(url, ((performance.now() - t) / n).toFixed(3), "ms/req");
const { profile } = await session.post("Profiler.stop");
writeFileSync("/tmp/req.cpuprofile", JSON.stringify(profile));
await stack.close();
