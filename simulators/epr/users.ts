/**
 * Who the EPR believes is signed in at this workstation: one of the CIS2 simulator's test users,
 * read from its fixture so the two never disagree on ids. A real EPR has its own login; the
 * simulated one just lets the tester pick, because the desktop link's `user_hint` is what matters.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface EprUser {
  /** The CIS2 user id (SDS user id, 12 digits): what `user_hint` carries. */
  sub: string;
  name: string;
  given: string[];
  family: string;
}

const CIS2_USERS = fileURLToPath(new URL("../cis2/fixtures/users.json", import.meta.url));

function loadUsers(): EprUser[] {
  const directory = JSON.parse(readFileSync(CIS2_USERS, "utf8")) as {
    users: { sub: string; given_name: string; family_name: string; middle_names?: string }[];
  };
  const users = directory.users.map((u) => ({
    sub: u.sub,
    name: `${u.given_name} ${u.family_name}`,
    given: [u.given_name, ...(u.middle_names ? u.middle_names.split(" ") : [])],
    family: u.family_name,
  }));
  if (users.length < 2 || users.some((u) => !/^\d{12}$/.test(u.sub)))
    throw new Error(`${CIS2_USERS}: need at least two users with 12-digit ids`);
  return users;
}

export const EPR_USERS: readonly EprUser[] = loadUsers();

export function findUser(sub: string): EprUser | undefined {
  return EPR_USERS.find((user) => user.sub === sub);
}

/** Someone other than `sub`: the user a shared-workstation mix-up would name. */
export function otherUser(sub: string): EprUser {
  const other = EPR_USERS.find((user) => user.sub !== sub);
  if (!other) throw new Error("no second user");
  return other;
}
