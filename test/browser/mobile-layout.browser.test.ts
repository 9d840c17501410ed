/**
 * A phone's width (390×844) in Chromium: the header's user name wraps between words, never inside
 * one and never past the screen's edge, and the PDS comparison shows every detail on screen (a
 * detail cut off at the edge could hide the one that differs).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInInBrowser } from "../support/browser.ts";
import { USERS } from "../support/sign-in.ts";
import { type Stack, startStack } from "../support/stack.ts";

const PHONE = { width: 390, height: 844 };
// Longer than the header has room for on one line at 390 px; every word fits on a line of its own.
const LONG_NAME = "Dr Alexandrina Wolstenholme-Fotheringham Featherstonehaugh Christophersen";

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signedInPhone(user: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE });
  contexts.push(context);
  const page = await context.newPage();
  await signInInBrowser(page, stack.baseUrl, user);
  return page;
}

/**
 * Elements whose right edge is past the viewport and that no scrolling container of theirs lets
 * the user reach; and elements whose own content is cut off (wider than their box, not scrollable).
 */
async function clipped(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(
    ({ selector, width }) => {
      const describe = (el: Element) =>
        `${el.tagName.toLowerCase()}${el.getAttribute("data-testid") ? `[${el.getAttribute("data-testid")}]` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
      const scrollsX = (el: Element) => {
        const overflow = getComputedStyle(el).overflowX;
        return (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth;
      };
      const found: string[] = [];
      const root = document.querySelector(selector);
      if (!root) return [`nothing matches ${selector}`];
      // Visually hidden text (a 1 px box that clips its content on purpose) is for screen readers.
      const hidden = (el: Element) => {
        for (let e: Element | null = el; e; e = e.parentElement) {
          const r = e.getBoundingClientRect();
          if (r.width <= 1 || r.height <= 1) return true;
        }
        return false;
      };
      for (const el of [root, ...root.querySelectorAll("*")]) {
        const box = el.getBoundingClientRect();
        if (hidden(el)) continue;
        let scroller: Element | null = el.parentElement;
        while (scroller && !scrollsX(scroller)) scroller = scroller.parentElement;
        const reachable =
          scroller &&
          scroller !== document.documentElement &&
          scroller.getBoundingClientRect().right <= width;
        if (box.right > width + 0.5 && !reachable)
          found.push(`${describe(el)} ends at ${Math.round(box.right)} px`);
        const overflowX = getComputedStyle(el).overflowX;
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && overflowX === "hidden")
          found.push(`${describe(el)} cuts off its content`);
      }
      return found;
    },
    { selector, width: PHONE.width },
  );
}

/** How the header's user name is laid out: the lines each word takes, the lines in all, its right edge. */
async function nameLayout(page: Page) {
  return page.getByTestId("account-name").evaluate((el) => {
    // One line top per line a word occupies: a word split across lines has two. A double-barrelled
    // name may break after its hyphen, as in print, so each part of one counts as a word.
    const text = el.firstChild as Text;
    const words: { word: string; lines: number }[] = [];
    let start = 0;
    for (const word of text.data.split(/(?<=[ -])/).map((w) => w.trimEnd())) {
      const range = document.createRange();
      range.setStart(text, start);
      range.setEnd(text, start + word.length);
      words.push({ word, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size });
      start += word.length + (text.data[start + word.length] === " " ? 1 : 0);
    }
    const all = document.createRange();
    all.selectNodeContents(el);
    const rects = [...all.getClientRects()];
    return {
      words,
      lines: new Set(rects.map((r) => Math.round(r.top))).size,
      right: Math.max(...rects.map((r) => r.right)),
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    };
  });
}

describe("at a phone's width (390 px)", () => {
  it("the header's user name wraps only between words, and stays within the screen", async () => {
    const page = await signedInPhone(USERS.singleRole);
    const name = page.getByTestId("account-name");
    // The user's own name (short), then one longer than a line.
    const own = await nameLayout(page);
    expect(own.words.filter((w) => w.lines !== 1)).toEqual([]);
    expect(own.lines).toBe(1);
    await name.evaluate((el, text) => {
      el.textContent = text;
    }, LONG_NAME);
    const long = await nameLayout(page);
    expect(long.lines).toBeGreaterThan(1);
    expect(long.words.filter((w) => w.lines !== 1)).toEqual([]);
    for (const layout of [own, long]) {
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      expect(layout.right).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await clipped(page, "header")).toEqual([]);
  });

  it("the PDS comparison shows every detail on screen: nothing past the edge, nothing cut off", async () => {
    const page = await signedInPhone(USERS.singleRole);
    await page.getByRole("link", { name: "Find a patient" }).first().click();
    await page.getByLabel(/Name, NHS number/).fill("Garton");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("button", { name: /Select GARTON/ }).click();
    await page.waitForURL(/\/patient-context\//);
    await page.getByTestId("check-with-pds").click();
    await page.getByTestId("comparison").waitFor();
    expect(await page.getByTestId("comparison-gender").getAttribute("data-comparison")).toBe("different");
    expect(await clipped(page, "[data-testid=comparison]")).toEqual([]);
    expect(await clipped(page, "[data-testid=replacement]")).toEqual([]);
    // The differing detail itself, local and PDS values both, can be seen on the screen's width.
    for (const cell of await page.getByTestId("comparison-gender").locator("td").all()) {
      const box = await cell.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    }
  });
});
