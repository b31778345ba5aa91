// Three fixes of the rendered Allure 3.18 page; run-tests.sh adds this script to the head of every page it renders.
//
// 1. The page's data is there before the app asks for it. The single-file page runs the app's script first and declares
//    its embedded data (window.allureReportData) in a script after it, at the end of a page of many megabytes. When the
//    app asks for a file before the parser has reached that script, it finds no embedded data, falls back to fetching
//    the file from disk, which a file: page may not do, and stays on "Loading" for good (@allurereport/web-commons:
//    the data loader checks globalThis.allureReportData, then fetches). Declared here, the app always waits for the
//    embedded data instead (it polls window.allureReportDataReady, which the data script sets).
window.allureReportData = window.allureReportData || {};

// 2. The report opens at its top. Once the tree is built, the app puts its keyboard cursor on the first row and scrolls
//    the page's container to that row (@allurereport/web-commons, treeNavigation/scrollTreeFocus.js:
//    scrollFocusIntoView, called from the tree's effect on the cursor), which puts the report's title — plugin commit,
//    CNI versions, target, layers — above the window at 1280x800. On the landing page (no test opened, no search in the
//    address) and until the reader first scrolls, types, clicks or touches, the container is put back at its top;
//    afterwards the app scrolls as it always does.
(() => {
  let readerMoved = false;
  const moved = () => { readerMoved = true; };
  for (const type of ["wheel", "keydown", "pointerdown", "touchstart"]) {
    window.addEventListener(type, moved, { capture: true, passive: true });
  }
  const onLanding = () => location.hash.replace(/^#\/?/, "") === "" && !new URLSearchParams(location.search).has("query");
  document.addEventListener("scroll", (event) => {
    const element = event.target;
    if (readerMoved || !onLanding() || !(element instanceof HTMLElement)) return;
    if (element.hasAttribute("data-tree-scroll-container") && element.scrollTop !== 0) element.scrollTop = 0;
  }, { capture: true, passive: true });
})();

// 3. A text attachment's first line is not under its copy button: the app places the button over the top right corner
//    of the code block, where the first line of a plugin log runs; the block keeps that corner's width free.
{
  const style = document.createElement("style");
  style.textContent = "pre[data-testid=code-attachment-content] { padding-right: 44px !important; }";
  document.head.append(style);
}
