/**
 * The board demo (examples/board) in Debian's Chromium, driven by
 * playwright-core, on Ceph RGW through a fresh bucket with the CORS rules of
 * scripts/rgw-cors.ts: two tabs see each other and each other's writes, a
 * write shows before the bucket has acknowledged it, a reload keeps what was
 * committed, and a write the bucket's policy refuses shows as an error. Saves a
 * screenshot of both tabs.
 */
import { DeleteBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from "@aws-sdk/client-s3";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Locator, type Page, type Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryFor, type BoardConnection } from "../examples/board/board-connection.ts";
import { startBoardServer, type BoardServer } from "../examples/board/board-server.ts";
import { allowBrowserAccess } from "../scripts/rgw-cors.ts";
import { createBucket, deleteBucket } from "./s3-bucket-admin.ts";
import { createS3Client } from "./s3-client.ts";
import { findRgw, uniqueBucketName } from "./s3-test-servers.ts";

const CHROMIUM = "/usr/bin/chromium";
/** As root, on a machine whose network is closed: no sandbox, and none of Chromium's own connections. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT = fileURLToPath(new URL("../artifacts/board-two-pages.png", import.meta.url));
const PAGE_SIZE = { width: 640, height: 560 };
/** Polls every second by default, so a remote write may take a few to show. */
const SEEN_WITHIN_MS = 10_000;

const rgw = await findRgw();
const missing = [
  ...(rgw === undefined ? ["Ceph RGW (scripts/rgw-start.sh)"] : []),
  ...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (scripts/chromium-install.sh)`]),
];
const inCi = process.env.CI === "true";
if (missing.length > 0 && !inCi) console.warn(`Skipping the board in Chromium: no ${missing.join(" and no ")}`);

describe.skipIf(missing.length > 0 && !inCi)("the board demo in Chromium on Ceph RGW", () => {
  const bucket = uniqueBucketName("board");
  const admin = rgw && createS3Client(rgw);
  let server: BoardServer;
  let userDataDir: string;
  let browser: BrowserContext;
  const pageErrors: string[] = [];
  let ada: Page;
  let bob: Page;

  const connection = (): BoardConnection => ({
    bucket,
    storage: { endpoint: rgw!.endpoint!, region: rgw!.region, credentials: rgw!.credentials! },
  });

  async function openBoard(name: string): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewportSize(PAGE_SIZE);
    page.on("pageerror", (error) => pageErrors.push(`${name}: ${error.message}`));
    await page.goto(`${server.url}?${queryFor(connection(), name)}`);
    return page;
  }

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`CI needs ${missing.join(" and ")}`);
    await createBucket(admin!, bucket, "unversioned");
    server = await startBoardServer();
    await allowBrowserAccess(admin!, bucket, [server.url.origin]);
    userDataDir = await mkdtemp(join(tmpdir(), "mps3-chromium-"));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    browser.setDefaultTimeout(SEEN_WITHIN_MS);
    ada = await openBoard("ada");
    bob = await openBoard("bob");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
    if (admin !== undefined) await deleteBucket(admin, bucket, "unversioned");
  });

  it("shows, in each tab, that both are here", async () => {
    for (const page of [ada, bob]) {
      await expect.poll(() => page.locator('[data-part="present"]').textContent(), { timeout: SEEN_WITHIN_MS }).toMatch(/ada.*bob/);
      expect(await page.locator('[data-part="status"]').textContent()).toBe(`in sync with bucket ${bucket}`);
    }
  });

  it("shows a write at once, before the bucket has it, and then in the other tab", async () => {
    const held = await holdPuts(ada, rgw!.endpoint!);
    const optimistic = todo(ada, "buy milk");
    try {
      await add(ada, "buy milk");
      await expect.poll(() => held.count(), { timeout: SEEN_WITHIN_MS }).toBeGreaterThan(0);
      expect(await optimistic.getAttribute("data-state")).toBe("pending");
      expect(await todo(bob, "buy milk").count()).toBe(0);
    } finally {
      await held.release();
    }
    await expect.poll(() => optimistic.getAttribute("data-state"), { timeout: SEEN_WITHIN_MS }).toBe("saved");
    await todo(bob, "buy milk").waitFor({ timeout: SEEN_WITHIN_MS });
  });

  it("keeps the committed state across a reload", async () => {
    await todo(bob, "buy milk").locator('[data-part="done"]').check();
    await expect.poll(() => todo(bob, "buy milk").getAttribute("data-state"), { timeout: SEEN_WITHIN_MS }).toBe("saved");
    await expect.poll(() => todo(ada, "buy milk").locator('[data-part="done"]').isChecked(), { timeout: SEEN_WITHIN_MS }).toBe(true);

    await bob.reload();
    await todo(bob, "buy milk").waitFor({ timeout: SEEN_WITHIN_MS });
    expect(await todo(bob, "buy milk").locator('[data-part="done"]').isChecked()).toBe(true);
    expect(await bob.locator(".todo").count()).toBe(1);
    await expect.poll(() => bob.locator('[data-part="present"] li').allTextContents(), { timeout: SEEN_WITHIN_MS }).toEqual(["ada", "bob (you)"]);
  });

  it("shows the error of a write the bucket refuses, and withdraws its value", async () => {
    await denyPuts(admin!, bucket);
    try {
      await add(ada, "refused");
      await expect.poll(() => ada.locator('[data-part="errors"]').textContent(), { timeout: SEEN_WITHIN_MS }).toMatch(/Could not add “refused”: .*AccessDenied \(HTTP 403\).*\(not written\)/);
      expect(await todo(ada, "refused").count()).toBe(0);
    } finally {
      await admin!.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    }
  });

  it("saves a screenshot of both tabs, with no page error", async () => {
    await saveSideBySide(browser, [ada, bob], SCREENSHOT);
    console.log(`screenshot of the two tabs: ${SCREENSHOT}`);
    expect(pageErrors).toEqual([]);
  });
});

/** A bucket policy that refuses every PUT, the bucket owner's too. */
async function denyPuts(client: S3Client, bucket: string): Promise<void> {
  const statement = { Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` };
  await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) }));
}

function todo(page: Page, text: string): Locator {
  return page.locator(".todo", { hasText: text });
}

async function add(page: Page, text: string): Promise<void> {
  await page.locator('[data-part="new-text"]').fill(text);
  await page.locator('[data-part="new-text"]').press("Enter");
}

/** Holds the page's PUT requests to the endpoint until released, so that none reaches the bucket before then. */
async function holdPuts(page: Page, endpoint: string): Promise<{ count(): number; release(): Promise<void> }> {
  const origin = new URL(endpoint).origin;
  const held: Route[] = [];
  let released = false;
  const matches = (url: URL) => url.origin === origin;
  await page.route(matches, (route) => {
    if (released || route.request().method() !== "PUT") return route.continue();
    held.push(route);
  });
  return {
    count: () => held.length,
    release: async () => {
      released = true;
      await Promise.all(held.map((route) => route.continue()));
      await page.unroute(matches);
    },
  };
}

/** One picture of the pages next to each other. */
async function saveSideBySide(browser: BrowserContext, pages: Page[], path: string): Promise<void> {
  const shots = await Promise.all(pages.map((page) => page.screenshot()));
  const sheet = await browser.newPage();
  await sheet.setViewportSize({ width: PAGE_SIZE.width * pages.length + 8 * (pages.length + 1), height: PAGE_SIZE.height + 16 });
  await sheet.setContent(
    `<body style="margin:0;padding:8px;display:flex;gap:8px;background:#888">${shots
      .map((shot) => `<img src="data:image/png;base64,${shot.toString("base64")}">`)
      .join("")}</body>`,
  );
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, await sheet.screenshot());
  await sheet.close();
}
