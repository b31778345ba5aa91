// Opens the rendered single-file Allure report in headless Chromium (Debian's /usr/bin/chromium through
// puppeteer-core; never a downloaded browser) and checks what a reviewer must see. run-tests.sh runs it after
// rendering, as root, without network (unshare -n); a failed check fails the run.
//
//   node tests/ReportCheck/check-report.mjs --report allure-report/index.html --layers Unit,Netns,Cluster \
//        --out allure-report/browser-check [--demo <report-demo>/index.html] [--history .allure-history/history.jsonl]
//
// Main report: the tree's top level is the layers that ran; a plugin call that failed as the test expected reads
// "→ error N as expected" (Netns: RepeatedAddIsRejectedAndChangesNothing; Unit: InvocationErrorTests); with the
// Cluster layer, the lab stage carries a reachability table ("N cells compared, N as expected").
// Report demo (the lab stage's real probe run judged with one expected cell flipped): the categories tab puts the
// failure under "Plugin defect", the failed test carries its evidence (plugin log), and its table highlights
// exactly one differing cell. Every page load is watched: any request other than file:, data:, blob: or about:
// is refused and counted, and must be zero. Screenshots of each view go to --out.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const args = parseArgs(process.argv.slice(2));
const layers = (args.layers ?? "").split(",").filter(Boolean);
const out = path.resolve(args.out ?? "browser-check");
const results = [];
const external = [];

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    parsed[argv[i].slice(2)] = argv[i + 1];
  }
  if (!parsed.report) throw new Error("--report <index.html> is required");
  return parsed;
}

const t0 = Date.now();
function check(name, ok, detail = "") {
  results.push({ name, ok: Boolean(ok), detail });
  const at = ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
  console.log(`${ok ? "ok  " : "FAIL"} ${at}s ${name}${detail ? ` — ${detail}` : ""}`);
  return Boolean(ok);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(page, fn, what, timeout = 10000, ...fnArgs) {
  try {
    await page.waitForFunction(fn, { timeout, polling: 100 }, ...fnArgs);
    return true;
  } catch {
    console.log(`     (waited ${timeout} ms for ${what})`);
    return false;
  }
}

async function newPage(browser) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1500, height: 1100 });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = request.url();
    if (/^(file|data|blob|about):/.test(url)) {
      request.continue();
    } else {
      external.push(url);
      request.abort();
    }
  });
  page.on("pageerror", (error) => console.log(`     (page error: ${error.message})`));
  return page;
}

async function open(page, file, suffix = "") {
  await page.goto(pathToFileURL(path.resolve(file)).href + suffix, { waitUntil: "load" });
  await waitFor(page, () => document.querySelector("[data-testid=report-title]") !== null, "the report to render");
}

async function shot(page, name, element) {
  const file = path.join(out, `${name}.png`);
  if (element) await element.screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: false });
  return file;
}

// Top-level tree sections (the layers), as shown on the results tab.
async function topLevelSections(page) {
  return page.$$eval("[data-testid=tree-content] > [data-testid=tree-section] [data-testid=tree-section-title], " +
    "[data-testid=tree-section-title]", (titles) => titles.map((t) => t.textContent.trim()));
}

// Searches the tree, opens every section of the filtered tree, and clicks the first leaf whose title matches.
async function openTest(page, file, query, titlePattern) {
  // The report reads its search from the address (?query=…), as it writes it when one types into the search box.
  await open(page, file, `?query=${encodeURIComponent(query)}`);
  await waitFor(page, (q) => document.querySelector("[data-testid=search-input]")?.value === q, "the search box to show the query", 5000, query);
  for (let round = 0; round < 8; round++) {
    const found = await page.$$eval("[data-testid=tree-leaf]", (leaves, source) => {
      const re = new RegExp(source);
      const leaf = leaves.find((l) => re.test(l.textContent));
      if (leaf) leaf.click();
      return Boolean(leaf);
    }, titlePattern.source);
    if (found) {
      await waitFor(page, () => document.querySelector("[data-testid=test-result-info-title]") !== null, "the test page");
      await pause(150);
      return true;
    }
    // Open every collapsed section (a section is followed by its tree-content when open).
    await page.evaluate(() => {
      for (const section of document.querySelectorAll("[data-testid=tree-section]")) {
        const next = section.nextElementSibling;
        if (!next || next.getAttribute("data-testid") !== "tree-content") section.click();
      }
    });
    await pause(150);
  }
  return false;
}

// Expands the attachment whose header matches and returns the document inside its HTML preview iframe.
async function openHtmlAttachment(page, headerPattern) {
  const clicked = await page.$$eval("[data-testid=test-result-attachment-header]", (headers, source) => {
    const re = new RegExp(source);
    const header = headers.find((h) => re.test(h.textContent));
    if (header) {
      header.scrollIntoView();
      (header.querySelector("button") ?? header).click();
    }
    return header ? header.textContent : null;
  }, headerPattern.source);
  if (!clicked) return { header: null };
  // The preview is an iframe on a blob: URL; from a file:// page its document is another origin, reachable
  // through the DevTools protocol (contentFrame), not through contentDocument.
  try {
    const handle = await page.waitForSelector("[data-testid=html-attachment-preview] iframe", { timeout: 10000 });
    const frame = await handle.contentFrame();
    await frame.waitForSelector("table.reach", { timeout: 10000 });
    return { header: clicked, handle, frame };
  } catch (error) {
    console.log(`     (no HTML preview: ${error.message})`);
    return { header: clicked };
  }
}

// The attachment's page on its own, full height (the report shows it in a 150 px high frame when opened from disk).
async function shotWhole(browser, frame, name) {
  const html = await frame.content();
  const page = await newPage(browser);
  await page.setViewport({ width: 1100, height: 400 });
  await page.setContent(html, { waitUntil: "load" });
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  await page.close();
}

// With --history <history.jsonl> holding an earlier run that had this test: its History tab lists that run.
async function checkHistory(page, query) {
  if (!args.history) return;
  let earlier = [];
  try {
    earlier = (await readFile(args.history, "utf8")).split("\n").filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    earlier = [];
  }
  // The history file already holds this run too (the report appends it): look at the runs before it.
  const previous = earlier.slice(0, -1).some((run) => Object.values(run.testResults ?? {}).some((t) => (t.fullName ?? "").includes(query)));
  if (!previous) {
    console.log(`     (history not checked: no earlier run in ${args.history} ran ${query})`);
    return;
  }
  await page.click("[data-testid=test-result-tab-history]");
  await waitFor(page, () => document.querySelectorAll("[data-testid=test-result-history-item]").length > 0, "history items", 5000);
  const items = await page.$$eval("[data-testid=test-result-history-item]", (all) => all.length);
  check("history: the test's History tab lists the earlier run", items > 0, `${items} earlier results`);
  await shot(page, "02b-history");
}

async function checkMain(browser, file) {
  const page = await newPage(browser);
  await open(page, file);
  await waitFor(page, () => document.querySelectorAll("[data-testid=tree-section-title]").length > 0, "the tree");
  const sections = await topLevelSections(page);
  const top = await page.$$eval("[data-testid=tree-section]", (all) =>
    all.filter((s) => !s.parentElement.closest("[data-testid=tree-content]") ||
      s.parentElement.closest("[data-testid=tree-content]") === document.querySelector("[data-testid=tree-content]"))
      .map((s) => s.querySelector("[data-testid=tree-section-title]")?.textContent.trim()));
  const topNames = top.length > 0 ? top : sections;
  for (const layer of layers) check(`tree: the layer ${layer} is a top-level section`, topNames.includes(layer), `top level: ${topNames.slice(0, 6).join(", ")}`);
  await shot(page, "01-tree-by-layer");

  // A plugin call that failed as the test declared: named so, and green.
  const expectedErrorTest = layers.includes("Netns")
    ? { query: "RepeatedAddIsRejectedAndChangesNothing", title: /RepeatedAddIsRejectedAndChangesNothing/ }
    : layers.includes("Unit") ? { query: "InvocationErrorTests", title: /./ } : null;
  if (expectedErrorTest) {
    const opened = await openTest(page, file, expectedErrorTest.query, expectedErrorTest.title);
    if (check(`steps: opened a test of ${expectedErrorTest.query}`, opened)) {
      const steps = await page.$$eval("[data-testid=test-result-step]", (all) => all.map((s) => ({
        title: s.querySelector("[data-testid=test-result-step-title]")?.textContent.trim() ?? "",
        failed: s.querySelector("[class*=status-failed], [data-testid*=status-failed]") !== null,
      })));
      const expected = steps.find((s) => /→ error \d+ as expected/.test(s.title));
      check("steps: a plugin call reads \"→ error N as expected\"", expected, expected ? expected.title : `steps: ${steps.map((s) => s.title).slice(0, 5).join(" | ")}`);
      check("steps: plugin calls are named after their outcome", steps.some((s) => /^(ADD|DEL|CHECK)\b.*→ .*\(exit \d+, \d+ ms\)/.test(s.title)),
        steps.find((s) => /→/.test(s.title))?.title ?? "");
      const element = await page.$("[data-testid=test-result-steps-root]");
      await shot(page, "02-expected-error-step", element ?? undefined);
      await checkHistory(page, expectedErrorTest.query);
    }
  }

  if (layers.includes("Cluster")) {
    const opened = await openTest(page, file, "LabStageMatchesTheExpectation", /LabStageMatchesTheExpectation(?!.*report demo)/);
    if (check("reachability: opened the lab stage test", opened)) {
      const { header, handle, frame } = await openHtmlAttachment(page, /reachability table \(lab\)/);
      check("reachability: the lab stage has a table attachment", header, header ?? "no attachment \"reachability table (lab)\"");
      if (check("reachability: the attachment opens as a rendered HTML table", frame, frame ? "" : "no HTML preview with table.reach appeared")) {
        const table = await frame.evaluate(() => ({
          summary: document.querySelector("p.summary")?.textContent ?? "",
          rows: document.querySelectorAll("table.reach tbody tr").length,
          columns: document.querySelectorAll("table.reach thead th").length - 1,
          how: document.querySelector("td .how")?.textContent ?? "",
        }));
        check("reachability: the table renders as a table in the browser", table.rows > 0 && table.columns > 0, `${table.rows} targets x ${table.columns} sources`);
        check("reachability: a one-line summary on top", /\d+ cells compared, \d+ as expected/.test(table.summary), table.summary);
        check("reachability: each cell says how it was probed", table.how.length > 0, table.how);
        await handle.evaluate((e) => e.scrollIntoView());
        await shot(page, "03-reachability-table");
        await shotWhole(browser, frame, "03b-reachability-table-whole");
      }
    }
  }
  await page.close();
}

async function checkDemo(browser, file) {
  const page = await newPage(browser);
  await open(page, file, "#/categories");
  await waitFor(page, () => /Plugin defect/.test(document.body.innerText), "the categories tab");
  const categoriesText = await page.evaluate(() => document.body.innerText);
  const defect = categoriesText.indexOf("Plugin defect");
  const demoAt = categoriesText.indexOf("[report demo");
  const between = defect >= 0 && demoAt > defect ? categoriesText.slice(defect + "Plugin defect".length, demoAt) : "";
  check("categories: the demo failure sits in \"Plugin defect\"",
    defect >= 0 && demoAt > defect && !/Harness or sandbox|Environment \(|Known issue/.test(between),
    categoriesText.split("\n").filter((l) => /defect|problem|Environment|Known|report demo/.test(l)).join(" | "));
  check("categories: nothing else holds it", !/Product errors|Test errors/.test(categoriesText));
  await shot(page, "04-categories");

  const opened = await openTest(page, file, "report demo", /report demo/);
  if (!check("demo: opened the failed demo test", opened)) return page.close();
  const info = await page.evaluate(() => ({
    failed: document.querySelector("[data-testid=test-result-status-failed]") !== null,
    text: document.body.innerText,
  }));
  check("demo: the test is failed (red)", info.failed);
  check("demo: its header names the category \"Plugin defect\"", /Category: Plugin defect/.test(info.text),
    info.text.split("\n").find((l) => /^Category:/.test(l)) ?? "no \"Category:\" on the page");
  const headers = await page.$$eval("[data-testid=test-result-attachment-header]", (all) => all.map((h) => h.textContent));
  check("demo: the failure carries the plugin log", headers.some((h) => /plugin log of/.test(h)), headers.filter((h) => /log|table/.test(h)).join(" | "));
  await shot(page, "05-failed-test");
  const { header, handle, frame } = await openHtmlAttachment(page, /reachability table \(lab\)/);
  check("demo: the failed test has its reachability table", header, header ?? "");
  if (check("demo: the table opens as a rendered HTML table", frame, frame ? "" : "no HTML preview with table.reach appeared")) {
    const cells = await frame.evaluate(() => [...document.querySelectorAll("table.reach td.differs")].map((td) => ({
      text: td.textContent,
      background: getComputedStyle(td).backgroundColor,
    })));
    const plain = await frame.evaluate(() => getComputedStyle(document.querySelector("table.reach td:not(.differs)")).backgroundColor);
    const listed = await frame.evaluate(() => document.querySelectorAll("table.diffs td.differs").length);
    check("demo: exactly one matrix cell is marked as differing", cells.length === 1, cells.map((c) => c.text).join(" | "));
    check("demo: the differing cell is also listed on top, visible without scrolling", listed === 1);
    check("demo: the differing cell is highlighted (its own colour)", cells.length > 0 && cells[0].background !== plain &&
      !/rgba\(0, 0, 0, 0\)|rgb\(255, 255, 255\)/.test(cells[0].background), `${cells[0]?.background} vs ${plain}`);
    const summary = await frame.evaluate(() => document.querySelector("p.summary")?.textContent ?? "");
    check("demo: the summary counts the difference", /1 differs/.test(summary), summary);
    await handle.evaluate((e) => e.scrollIntoView());
    await shot(page, "06-reachability-difference");
    await shot(page, "07-reachability-difference-frame", handle);
    await shotWhole(browser, frame, "08-reachability-difference-whole");
  }
  await page.close();
}

await mkdir(out, { recursive: true });
const started = Date.now();
const browser = await puppeteer.launch({
  executablePath: process.env.BASHCNI_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  pipe: true, // DevTools over a pipe: no TCP port, works without any network
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--metrics-recording-only"],
});
try {
  await checkMain(browser, args.report);
  if (args.demo) await checkDemo(browser, args.demo);
  else if (layers.includes("Cluster")) check("demo: the cluster layer wrote the report demo", false, "no --demo report (BASHCNI_REPORT_DEMO_DIR stayed empty)");
} catch (error) {
  check("the browser check ran to the end", false, error.stack ?? String(error));
} finally {
  await browser.close();
}
check("network: the report made no request outside the file", external.length === 0, external.slice(0, 5).join(", "));
const failed = results.filter((r) => !r.ok);
await writeFile(path.join(out, "checks.json"), JSON.stringify({ results, external, seconds: (Date.now() - started) / 1000 }, null, 2));
console.log(`${results.length - failed.length} of ${results.length} browser checks passed, ${external.length} network requests, ` +
  `${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed.length === 0 ? 0 : 1);
