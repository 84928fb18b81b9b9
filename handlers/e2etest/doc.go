// Package e2etest drives the real portal in headless Chromium (chromedp): the whole case
// journey from registration to the published ruling, once with JavaScript and once without,
// with axe-core accessibility checks, a 320 px reflow check and a JavaScript-dialog trap on
// every page visited. It holds tests only.
//
// The tests need Debian's chromium (/usr/bin/chromium, or NETCOURT_CHROMIUM) and axe-core
// (.ci/install-axe.sh, or NETCOURT_AXE naming axe.min.js). They are skipped only when
// NETCOURT_SKIP_BROWSER=1; otherwise a missing browser fails them. On failure, a screenshot
// of every page visited is written under .ci/artifacts/e2e/ (or NETCOURT_ARTIFACTS).
package e2etest
