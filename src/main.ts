/**
 * The process entry point: the only file that reads process.env, listens and handles signals.
 */
import { buildApp } from "./app.ts";
import { runDoctorAtStart } from "./composition/doctor.composition.ts";
import { ConfigError, loadConfig, unsafeSwitchesOn } from "./config/load-config.ts";
import { doctorRunsAtStart } from "./config/settings-doctor.ts";
import { systemClock } from "./platform/clock.ts";
import { createLogger } from "./platform/logger.ts";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const built = await buildApp({ config, logger });
  const address = await built.app.listen({ port: config.port, host: config.host });

  const unsafe = unsafeSwitchesOn(config);
  logger.info(
    {
      address,
      publicUrl: config.publicUrl,
      database: built.database.description,
      cis2Issuer: config.cis2Issuer,
      simulatedServices: config.simulatedServices,
    },
    `NCRS Connect listening on ${config.publicUrl}`,
  );
  if (config.simulatedServices.length > 0)
    logger.warn(`Simulated national services: ${config.simulatedServices.join(", ")}`);
  for (const item of unsafe) logger.warn(`Unsafe development switch on: ${item}`);
  // Misconfiguration shows in the log at start, not at a clinician's first click; never blocks serving.
  if (doctorRunsAtStart(config))
    void runDoctorAtStart({ config, logger, registry: built.registry, clock: systemClock }).catch((error) =>
      logger.error({ err: error }, "doctor: could not run"),
    );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await built.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
