/** How reading, proving and exporting the audit trail can fail, in our catalogue. */
import { defineErrors } from "../platform/errors.ts";

const searchAgain = { text: "Search the audit trail", href: "/admin/audit" } as const;

export const auditErrors = defineErrors("audit", {
  search_invalid: {
    status: 400,
    title: "Check your search",
    message: "Some search details are not right. Each one says what it needs.",
    action: searchAgain,
  },
  record_not_found: {
    status: 404,
    title: "Audit record not found",
    message:
      "There is no audit record with that number. It may have been archived under the retention policy.",
    action: searchAgain,
  },
  export_range_invalid: {
    status: 400,
    title: "Choose the period to export",
    message:
      "An export needs a From and a To time, with To after From and no more than the allowed number of days apart.",
    action: searchAgain,
  },
  checkpoint_not_found: {
    status: 404,
    title: "Checkpoint not found",
    message: "No signed checkpoint has that tree size.",
  },
  proof_out_of_range: {
    status: 400,
    title: "No such proof",
    message: "The record or tree sizes asked for are outside the checkpointed trail.",
  },
  proof_pruned: {
    status: 410,
    title: "Archived",
    message:
      "The records this proof needs have been archived under the retention policy; the archive file holds them.",
  },
});
