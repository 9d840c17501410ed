/** Writes docs/configuration.md from the settings table. */
import { writeFileSync } from "node:fs";
import { renderConfigurationDoc } from "../src/config/config-docs.ts";

writeFileSync(new URL("../docs/configuration.md", import.meta.url), renderConfigurationDoc());
