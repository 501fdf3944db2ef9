/**
 * A generated report in Debian's Chromium (driven by playwright-core): the
 * page opens from a file:// URL with no errors, both plots are drawn at a
 * visible size with their points and lines, and a screenshot is kept in
 * artifacts/.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../check.ts";
import { historyFromEvents } from "../history.ts";
import { writeHtmlReport } from "./html-report.ts";
import { syntheticEvents } from "./synthetic-history.test-support.ts";

const CHROMIUM = "/usr/bin/chromium";
/** As root, on a machine whose network is closed: no sandbox, and none of Chromium's own connections. */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SCREENSHOT = fileURLToPath(new URL("../../artifacts/report-screenshot.png", import.meta.url));
const OPERATIONS = 4000;
/** Rendering, checking and starting Chromium take a few seconds, more on a loaded machine. */
const SETUP_TIMEOUT_MS = 60_000;

const inCi = process.env.CI === "true";
const missing = !existsSync(CHROMIUM);
if (missing && !inCi) console.warn(`Skipping the HTML report in Chromium: no ${CHROMIUM} (bash scripts/chromium-install.sh installs it)`);

describe.skipIf(missing && !inCi)("the HTML report in Chromium", () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(`CI needs ${CHROMIUM} (scripts/chromium-install.sh)`);
    dir = await mkdtemp(join(tmpdir(), "mps3-report-"));
    const history = historyFromEvents(syntheticEvents(OPERATIONS, true));
    const path = await writeHtmlReport(dir, {
      title: "Synthetic run with a nemesis",
      history,
      result: check(history),
      summary: { endpoint: "http://127.0.0.1:7480", nemesis: "pause, kill", "stale read": "one, in the middle" },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(path).href);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("draws both plots at a visible size, with their marks", async () => {
    for (const id of ["latency-plot", "throughput-plot"]) {
      const box = await page.locator(`#${id} > svg`).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width, id).toBeGreaterThan(600);
      expect(box!.height, id).toBeGreaterThan(250);
    }
    expect(await page.locator("#latency-plot .mark-symbol path").count()).toBeGreaterThan(1000);
    expect(await page.locator("#throughput-plot .mark-line path").count()).toBeGreaterThan(2);
    expect(await page.locator("#latency-plot .mark-rect path").count()).toBe(2);
  });

  it("shows the verdict and the witnesses", async () => {
    await expect.poll(() => page.locator("p.verdict").textContent()).toBe("Invalid: 2 anomalies found.");
    expect(await page.locator("pre.witness").count()).toBe(2);
    expect(await page.locator("pre.witness").first().isVisible()).toBe(true);
  });

  it("saves a screenshot of the whole page, with no page error", async () => {
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`report screenshot: ${SCREENSHOT}`);
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
