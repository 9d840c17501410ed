/**
 * Searching the local patient index over real HTTP: the search box posts, and the results live at
 * an address that holds no NHS number (so none lands in browser history or a proxy's log).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenIn, HttpAgent } from "../support/http-agent.ts";
import { searchPatients, TAB } from "../support/patients.ts";
import { signIn, USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

/** The error message beside the search box, after its visually hidden "Error:". */
function errorText(html: string): string {
  return html.match(/data-testid="search-error">[\s\S]*?<\/span>([^<]*)</)?.[1]?.trim() ?? "";
}

const NUMBER_SHAPES = [/9991000054/, /999[ +]100[ +]0054/, /999%20100%200054/];

describe("patient search", () => {
  let stack: Stack;
  let agent: HttpAgent;

  beforeAll(async () => {
    stack = await startStack();
    agent = new HttpAgent();
    await signIn(agent, stack.baseUrl, { user: USERS.singleRole });
  });
  afterAll(async () => stack.close());

  it("NHS numbers in our URLs: a search is posted, then redirected to a results address without the NHS number", async () => {
    const form = await agent.get(`${stack.baseUrl}/patients?tab=${TAB}`);
    expect(form.body).toMatch(/<form action="\/patients\/search" method="post"/);
    const posted = await agent.postForm(`${stack.baseUrl}/patients/search`, {
      _csrf: csrfTokenIn(form.body),
      tab: TAB,
      q: "999 100 0054",
    });
    expect(posted.status).toBe(303);
    for (const shape of NUMBER_SHAPES) expect(posted.location).not.toMatch(shape);
    const results = await agent.follow(posted);
    expect(results.status).toBe(200);
    expect(results.body).toContain("MRN RX1-000101");
    for (const shape of NUMBER_SHAPES) expect(results.url).not.toMatch(shape);
    // Going back to the results shows them again, without resubmitting anything.
    expect((await agent.get(results.url)).body).toContain("MRN RX1-000101");
    const logged = JSON.stringify(stack.logs);
    for (const shape of NUMBER_SHAPES) expect(logged).not.toMatch(shape);
  });

  it("NHS numbers in our URLs: a search in the address itself is not run, and the number is dropped from the address", async () => {
    const linked = await agent.get(`${stack.baseUrl}/patients?q=9991000054&tab=${TAB}`);
    expect(linked.status).toBe(303);
    expect(linked.location).toBe(`${stack.baseUrl}/patients?tab=${TAB}`);
    const page = await agent.follow(linked);
    expect(page.body).not.toContain("MRN RX1-000101");
  });

  it("a results address works only for the sign-in that searched", async () => {
    const results = await searchPatients(agent, stack.baseUrl, "Hartley");
    const other = new HttpAgent();
    await signIn(other, stack.baseUrl, { user: USERS.singleRole });
    const elsewhere = await other.get(results.url);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).not.toContain("MRN RX1-000101");
    expect(elsewhere.body).toContain('data-testid="search-expired"');
  });

  it("says an NHS number's check digit is wrong, rather than that nothing matched", async () => {
    const results = await searchPatients(agent, stack.baseUrl, "999 100 0055");
    expect(results.status).toBe(400);
    const message = errorText(results.body);
    expect(message).toContain("check digit");
    expect(results.body).not.toContain('data-testid="no-results"');
    expect(results.body).not.toContain("Search by name, NHS number, date of birth");
    expect(JSON.stringify(stack.logs)).not.toMatch(/9991000055|999 100 0055/);
  });

  it("says so when the search box was left empty", async () => {
    const results = await searchPatients(agent, stack.baseUrl, "   ");
    expect(results.status).toBe(400);
    const message = errorText(results.body);
    expect(message).toMatch(/^Enter a name, NHS number, date of birth .*or hospital number/);
    expect(results.body).toContain('href="#q"');
  });

  it("refuses a search without the form's CSRF token", async () => {
    const posted = await agent.postForm(`${stack.baseUrl}/patients/search`, { tab: TAB, q: "Hartley" });
    expect(posted.status).toBe(403);
  });
});
