import { chromium } from "playwright-core";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1000, height: 400 } });
await page.goto("file://" + process.argv[2]);
await page.screenshot({ path: process.argv[3], fullPage: true });
await browser.close();
