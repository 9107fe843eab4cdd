#!/usr/bin/env bash
# Looks at a report as readers do, in headless Chromium: screenshots at 1280 px and at 390 px (a
# phone), and a check that at 390 px the page does not scroll sideways.
#   scripts/page-check.sh REPORT_DIR [SHOTS_DIR]     (default SHOTS_DIR: a new temporary directory)
# Writes SHOTS_DIR/page-1280.png and SHOTS_DIR/page-390.png; exits 1 if the page is wider than a
# 390 px viewport, 2 if Chromium or the report is missing. The report directory is only read.
set -euo pipefail
report=$(cd "${1:?usage: scripts/page-check.sh REPORT_DIR [SHOTS_DIR]}" && pwd)
[[ -f "$report/index.html" ]] || { echo "page-check: $report has no index.html" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$browser" ]] || { echo "page-check: Chromium not found (apt-get install chromium)" >&2; exit 2; }
shots=${2:-$(mktemp -d)}
mkdir -p "$shots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The page as it is, with its figures resolved from the report, plus one line that reports its width.
sed -e "s#<head>#<head><base href=\"file://$report/\">#" \
    -e 's#</body>#<script>addEventListener("load", function () { parent.postMessage("sw=" + document.documentElement.scrollWidth + " vw=" + innerWidth, "*"); });</script></body>#' \
    "$report/index.html" > "$work/page.html"
# Headless Chromium has a minimum window width of 500 px: a 390 px frame is the phone.
cat > "$work/phone.html" <<HTML
<!DOCTYPE html><html><head><title>waiting</title><style>body{margin:0}</style></head><body>
<iframe src="page.html" style="width:390px;height:${PHONE_HEIGHT:-2400}px;border:0"></iframe>
<script>addEventListener("message", function (e) { document.title = e.data; });</script>
</body></html>
HTML
run() { timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=10000 "$@" 2>/dev/null; }
run --window-size=1280,${DESKTOP_HEIGHT:-2400} --screenshot="$shots/page-1280.png" "file://$work/page.html" >/dev/null
run --window-size=500,${PHONE_HEIGHT:-2400} --screenshot="$shots/page-390.png" "file://$work/phone.html" >/dev/null
title=$(run --window-size=500,900 --dump-dom "file://$work/phone.html" | grep -o '<title>[^<]*</title>' | sed 's/<[^>]*>//g')
[[ "$title" =~ ^sw=([0-9]+)\ vw=([0-9]+)$ ]] || { echo "page-check: could not measure the page ($title)" >&2; exit 2; }
sw=${BASH_REMATCH[1]}; vw=${BASH_REMATCH[2]}
echo "screenshots: $shots/page-1280.png $shots/page-390.png"
if (( sw > vw )); then
    echo "page-check: at 390 px the page is $sw px wide: it scrolls sideways" >&2
    exit 1
fi
echo "at 390 px: page $sw px wide, viewport $vw px: no sideways scrolling"
