/**
 * Where each operation of the OpenAPI description is exercised over HTTP: method and path as the
 * document writes them → the test files that call them. openapi.http.test.ts checks that every
 * operation the service describes is here, that each file named exists and calls the path, and
 * that nothing here is left over. A new API route therefore fails that test until its test is named.
 */
export const OPERATION_TESTS: Readonly<Record<string, readonly string[]>> = {
  "GET /api/v1/openapi.json": ["test/api/openapi.http.test.ts", "test/launch/launch.http.test.ts"],
  "POST /api/v1/launches": ["test/launch/launch.http.test.ts", "test/launch/api-clients.http.test.ts"],
  "POST /api/v1/patient-contexts": ["test/patients/patient-handover.http.test.ts"],
  "GET /oauth/authorize": ["test/launch/api-clients.http.test.ts"],
  "POST /oauth/token": ["test/launch/api-clients.http.test.ts"],
  // The MNS simulator delivers to it in test/events/intake.http.test.ts (its address comes from the stack).
  "POST /api/v1/events/mns": ["test/launch/anonymous-refusals.http.test.ts", "test/support/stack.ts"],
  "GET /api/v1/admin/events": ["test/events/admin.http.test.ts"],
  "POST /api/v1/admin/events/search": ["test/events/admin.http.test.ts"],
  "GET /api/v1/admin/events/{id}": ["test/events/admin.http.test.ts"],
  "POST /api/v1/admin/events/replay": ["test/events/admin.http.test.ts"],
};
