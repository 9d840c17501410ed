import { checkWithPds, decide, selectPatient } from "../test/support/patients.ts";
import { load } from "./lib/load.ts";
import { startProduct } from "./lib/product.ts";

const product = await startProduct({ NODE_OPTIONS: "--cpu-prof --cpu-prof-dir=/tmp/prof" });
const page = await selectPatient(product.agent, product.baseUrl, "999 100 0054", "RX1-000101");
await product.agent.follow(
  await decide(product.agent, await checkWithPds(product.agent, product.baseUrl, page), "confirm"),
);
console.log(
  JSON.stringify(
    await load({
      url: process.argv[2] === "home" ? `${product.baseUrl}/home` : page.url,
      headers: { cookie: product.cookie, accept: "text/html" },
      seconds: 15,
    }),
  ),
);
await product.stop();
