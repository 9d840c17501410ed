/**
 * The `searchset` Bundle PDS returns for a search. Every match of an exact search scores 1.0;
 * FHIR forbids empty arrays, so a search with no matches has `total: 0` and no `entry`.
 */
import type { Bundle, Patient } from "fhir/r4.js";

/** Wraps matched patients (already in their search view) in a searchset Bundle. */
export function searchBundle(patients: readonly Patient[], baseUrl: string, now: Date): Bundle<Patient> {
  const bundle: Bundle<Patient> = {
    resourceType: "Bundle",
    type: "searchset",
    timestamp: now.toISOString(),
    total: patients.length,
  };
  if (patients.length > 0) {
    bundle.entry = patients.map((resource) => ({
      fullUrl: `${baseUrl}/Patient/${resource.id ?? ""}`,
      search: { score: 1 },
      resource,
    }));
  }
  return bundle;
}
