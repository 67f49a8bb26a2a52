// The built page (dist/) loads in headless Chromium, renders the app's heading, and reports
// no console errors and no failed requests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp } from "./helpers.mjs";

test("the page loads cleanly and shows the app's name as its heading", async (t) => {
  const app = await openApp(t);
  const { page } = app;

  await assert.doesNotReject(page.getByRole("heading", { level: 1, name: "Broker Playground" }).waitFor());
  assert.equal(await page.title(), "Broker Playground");
  assert.equal(await page.locator("h1").count(), 1, "exactly one <h1>");

  // Let late requests (icons, lazy assets) and any deferred errors surface before judging.
  await page.waitForLoadState("networkidle");
  await app.screenshot("smoke-home");
  app.assertClean();
});
