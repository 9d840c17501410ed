/**
 * MNS's published schemas (copied unchanged into mns-schemas/, MIT, see its README), compiled once:
 * the CloudEvent schema (OpenAPI-style YAML, read with the `yaml` package) and the FHIR R4 signal
 * schema (JSON Schema 2020-12). Validating against the publisher's own files means a delivery we
 * accept is one MNS could have sent.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";

export const MNS_SCHEMA_DIR = join(import.meta.dirname, "mns-schemas");

export interface MnsValidators {
  readonly cloudEvent: ValidateFunction;
  readonly fhirSignal: ValidateFunction;
}

let compiled: MnsValidators | undefined;

/** The compiled validators (compiled on first use, then shared). */
export function mnsValidators(): MnsValidators {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ strictTuples: false, logger: false });
  // The FHIR schema's open-ended tuples (prefixItems with "items") are as MNS published them.
  // "fast" format checks (simpler patterns for date-time, uri…) cost a third of the full RFC ones;
  // no format-checked field is trusted beyond a Date parse, so the stricter check buys nothing here.
  addFormats.default(ajv, { mode: "fast" });
  // OpenAPI's `example` is documentation, not a constraint.
  ajv.addKeyword("example");
  const cloudEventSchema = readYamlSchema(join(MNS_SCHEMA_DIR, "mns-publish-cloudevent.yaml"));
  const fhirSchema = JSON.parse(
    readFileSync(join(MNS_SCHEMA_DIR, "fhirsignal.schema.json"), "utf8"),
  ) as Record<string, unknown>;
  compiled = { cloudEvent: ajv.compile(cloudEventSchema), fhirSignal: ajv.compile(fhirSchema) };
  return compiled;
}

/**
 * Reads a YAML schema strictly: a duplicate key, an unresolved alias or any other error throws,
 * because a misread validation schema would silently weaken the intake.
 */
function readYamlSchema(path: string): Record<string, unknown> {
  const schema: unknown = parseYaml(readFileSync(path, "utf8"), { uniqueKeys: true, strict: true });
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    throw new Error(`${path} does not hold a schema object`);
  return schema as Record<string, unknown>;
}

/** A short, safe description of why validation failed (paths and keywords only, never values). */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return "invalid";
  return `${first.instancePath || "/"} ${first.keyword}`;
}
