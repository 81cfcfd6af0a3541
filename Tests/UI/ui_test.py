#!/usr/bin/python3
"""The web page, driven in headless Chromium against real nodes.

Three temporary homes: the farm runs `vf serve --http` (the page's node), the mill is its peer,
and the bakery holds 20000 entries the farm fetches while the page watches. The page is opened
with the token in the fragment, at 390x844 (a phone) and then at 1280x900, and used as a person
would: publish a profile name from Settings; check the form shows only the fields each action
takes, every one labelled; record a produce event (100 kilogram of wheat, output of a new
process) and see the resource with onhand and accounting 100 kilogram; record a transfer of 30
kilogram to the mill with the keyboard alone (Tab, type-ahead, arrows, Enter) and see 70 and 30;
open the resource, its trace (an SVG: each event box names its signer and carries the verified
mark, with a text list alongside) and its track; read the feed (author, sequence, status, mark);
see an entry published with `vf publish`, and one the mill records on its own node (it comes by
gossip), appear without a reload; see a refusal's reason next to the form; consume and work
through the process picker; watch the sync progress bar move during a real sync; page through a
long feed; find the form asking for a token when it has none; and, with more resources than a
page holds, show more of them, search resources and agents by name, and list the processes.
No view may scroll sideways, and the browser console must stay free of errors (CSP included).
A screenshot of each main view goes to artifacts/ui/. Exits non-zero with the failed check.

Usage: /usr/bin/python3 Tests/UI/ui_test.py [--vf .build/debug/vf] [--artifacts artifacts/ui]
Needs Debian's chromium, chromium-driver and python3-selenium; nothing is downloaded.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = (390, 844)
SYNC_ENTRIES = 20000
CRATES = 130        # resources published at the end: more than the resources view's first page
RESOURCE_PAGE = 100
DESKTOP = (1280, 900)

try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    sys.exit("ui test: python3-selenium is not installed (apt-get install python3-selenium)")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Node:
    """A `vf` home, and its `vf serve` process once started."""

    def __init__(self, vf, root, name):
        self.vf = vf
        self.home = os.path.join(root, name)
        self.process = None
        self.log = os.path.join(root, f"{name}.log")
        self.id = self.run("init").strip().splitlines()[-1]
        check(self.id.startswith("@") and self.id.endswith(".ed25519"), f"vf init printed no feed id: {self.id!r}")

    def run(self, *args):
        result = subprocess.run([self.vf, *args, "--home", self.home], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise Failure(f"vf {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def serve(self, http=True):
        args = [self.vf, "serve", "--home", self.home, "--listen", "127.0.0.1:0", "--no-lan"]
        args += ["--http", "127.0.0.1:0"] if http else ["--no-http"]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wanted = ["address"] + (["http"] if http else [])
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"vf serve exited with {self.process.returncode}:\n{open(self.log).read()}")
            if all(os.path.exists(os.path.join(self.home, f)) and open(os.path.join(self.home, f)).read().strip() for f in wanted):
                return
            time.sleep(0.1)
        raise Failure(f"vf serve did not write {wanted} within 30 s:\n{open(self.log).read()}")

    def file(self, name):
        return open(os.path.join(self.home, name)).read().strip()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Page:
    def __init__(self, driver, artifacts):
        self.d = driver
        self.artifacts = artifacts
        self.shots = []

    def wait(self, what, condition, timeout=15):
        try:
            # A list the page re-renders between finding its elements and reading them leaves
            # them stale: that is "not yet", and the condition is asked again.
            return WebDriverWait(self.d, timeout, poll_frequency=0.1,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: condition())
        except TimeoutException:
            raise Failure(f"timed out after {timeout} s waiting for {what}; the page shows:\n{self.text()[:1500]}")

    def text(self, css="main"):
        try:
            return self.d.find_element(By.CSS_SELECTOR, css).text
        except WebDriverException:
            return ""

    def el(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def els(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css):
        try:
            found = self.els(css)
            return bool(found) and found[0].is_displayed()
        except StaleElementReferenceException:
            return False

    def nav(self, view):
        self.el(f'nav a[data-view="{view}"]').click()
        self.wait(f"the {view} view", lambda: self.d.execute_script("return document.body.dataset.view") == view
                  and self.d.execute_script("return !document.querySelector('main').hasAttribute('aria-busy')"))

    def active_id(self):
        return self.d.execute_script("return document.activeElement && document.activeElement.id")

    def keys(self, *keys):
        self.d.switch_to.active_element.send_keys(*keys)

    def tab_to(self, element_id, limit=40):
        """Presses Tab until `element_id` has focus; returns the ids passed on the way."""
        passed = []
        for _ in range(limit):
            if self.active_id() == element_id:
                return passed
            self.keys(Keys.TAB)
            passed.append(self.active_id())
        raise Failure(f"Tab never reached #{element_id}; focus went through {passed}")

    def shot(self, name):
        path = os.path.join(self.artifacts, f"{name}.png")
        self.d.save_screenshot(path)
        self.shots.append(path)

    def no_sideways_scroll(self, where):
        width = self.d.execute_script("return document.documentElement.scrollWidth")
        client = self.d.execute_script("return document.documentElement.clientWidth")
        check(width <= client + 1, f"{where}: the page scrolls sideways on a {client} px wide screen (content is {width} px)")

    def console_errors(self):
        try:
            logs = self.d.get_log("browser")
        except WebDriverException:
            return []
        # The refusal the test provokes is logged by Chromium as a failed load; it is expected.
        expected = "/api/entries - Failed to load resource: the server responded with a status of 422"
        return [entry["message"] for entry in logs if entry.get("level") == "SEVERE" and expected not in entry["message"]]


# Reads go through one script each, so a view re-rendered by a live update in between two
# reads cannot leave the test holding a stale element.
ROW_SCRIPT = """
for (const row of document.querySelectorAll('#resource-table tbody tr')) {
  const link = row.querySelector('.resource-link');
  if (link && link.textContent.trim() === arguments[0]) return {
    id: row.dataset.id,
    onhand: row.querySelector('.onhand').textContent.trim(),
    accounting: row.querySelector('.accounting').textContent.trim(),
  };
}
return null;
"""


def resource_row(page, name):
    return page.d.execute_script(ROW_SCRIPT, name)


def quantities(page, name):
    row = resource_row(page, name)
    return None if row is None else (row["onhand"], row["accounting"])


def resource_row_anywhere(page, name):
    """The id of resource `name`, found by the API's search by name, which the page uses."""
    rows = page.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('/api/resources?limit=1000&q=' + encodeURIComponent(arguments[0])).then(r => r.json()).then(d => done(d.items), e => done(String(e)));
    """, name)
    check(isinstance(rows, list), f"/api/resources?q={name} answered {rows!r}")
    ids = [r["id"] for r in rows if r.get("name") == name]
    check(len(ids) == 1, f"expected one resource named {name!r}, found {len(ids)}")
    return ids[0]


def click_resource(page, name, css):
    """Clicks the link `css` in the row of resource `name`, again if a live update replaced it."""
    for _ in range(5):
        try:
            for row in page.els("#resource-table tbody tr"):
                if row.find_element(By.CSS_SELECTOR, ".resource-link").text.strip() == name:
                    row.find_element(By.CSS_SELECTOR, css).click()
                    return
        except StaleElementReferenceException:
            time.sleep(0.2)
            continue
        raise Failure(f"no resource named {name!r} to click")
    raise Failure(f"the row of {name!r} kept changing under the click")


def start_browser(size):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={size[0]},{size[1]}", "--no-first-run", "--disable-extensions"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    set_viewport(driver, size)
    return driver


def set_viewport(driver, size):
    # The window size includes no browser chrome in headless mode, but set the CSS viewport exactly.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": size[0] < 600})


def run(vf, artifacts):
    root = tempfile.mkdtemp(prefix="vf-ui.")
    nodes = []
    driver = None
    try:
        farm = Node(vf, root, "farm")
        mill = Node(vf, root, "mill")
        bakery = Node(vf, root, "bakery")
        nodes += [farm, mill, bakery]
        # The bakery holds many entries the farm will want: it syncs them while the page watches.
        lines = os.path.join(root, "bakery.jsonl")
        with open(lines, "w") as f:
            for i in range(SYNC_ENTRIES):
                f.write(json.dumps({"type": "bakery-log", "n": i}) + "\n")
        bakery.run("publish", "--lines", lines)
        farm.run("follow", bakery.id)
        bakery.serve(http=False)
        # The mill runs first; the farm knows its address, so the Peers view has a real peer.
        mill.run("follow", farm.id)
        farm.run("follow", mill.id)
        mill.serve(http=False)
        farm.run("connect", mill.file("address"))
        farm.serve()
        url = farm.file("http")
        token = farm.run("token").strip()
        check(url.startswith("http://127.0.0.1:"), f"HOME/http holds {url!r}, not a loopback URL")
        check(len(token) >= 32, f"vf token printed {token!r}")
        print(f"ui test: node {farm.id} at {url}")

        driver = start_browser(PHONE)
        page = Page(driver, artifacts)
        run_phone(page, url, token, farm, mill, bakery)
        run_desktop(page, farm)
        run_board(page, farm, mill)
        errors = page.console_errors()
        check(not errors, "the browser console has errors:\n  " + "\n  ".join(errors))
        print(f"ui test: passed; {len(page.shots)} screenshots in {artifacts}")
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass
        for node in nodes:
            node.stop()
        shutil.rmtree(root, ignore_errors=True)


def run_phone(page, url, token, farm, mill, bakery):
    d = page.d
    d.get(f"{url}#token={token}")
    page.wait("the record form", lambda: page.visible("#event-form") and page.visible("#action"))
    check("token" not in d.current_url, f"the token stays in the address bar: {d.current_url}")
    check(d.execute_script("return localStorage.getItem('vf.token')") == token, "the token was not kept in localStorage")
    page.wait("the live stream", lambda: page.el("#live").get_attribute("data-state") == "live")
    check(not page.visible("#token-notice"), "the form asks for a token it has")
    page.wait("the record form's pickers", lambda: len(Select(page.el("#provider")).options) >= 1)
    check(Select(page.el("#provider")).first_selected_option.get_attribute("value") == farm.id,
          "the provider does not default to this node")

    # A profile name, published from Settings, names this node everywhere.
    page.nav("settings")
    page.el("#profile-name").send_keys("Hillside Farm")
    Select(page.el("#profile-kind")).select_by_value("Organization")
    page.el("#profile-form button[type=submit]").click()
    page.wait("the profile to be published", lambda: "Published" in page.text("#profile-form"))
    page.wait("the header to name the farm", lambda: page.text("#node-name") == "Hillside Farm (me)")
    page.nav("record")

    # The form shows only what the action takes.
    action = Select(page.el("#action"))
    check(action.first_selected_option.get_attribute("value") == "produce", "produce is not the default action")
    check(page.visible("#process") and page.visible("#quantity") and not page.visible("#effort"),
          "produce should show a process, a resource quantity, and no effort")
    action.select_by_value("work")
    check(page.visible("#effort") and not page.visible("#quantity") and not page.visible("#resource"),
          "work should show an effort quantity and no resource or resource quantity")
    action.select_by_value("transfer")
    check(page.visible("#to-resource") and page.visible("#receiver") and not page.visible("#process"),
          "transfer should show a receiver and a to-resource, and no process")
    action.select_by_value("move")
    check(page.visible("#to-location"), "move should show a location")
    for name in ["produce", "consume", "use", "work", "transfer", "transferCustody", "move", "raise", "lower"]:
        action.select_by_value(name)
        unlabelled = page.d.execute_script("""
            return [...document.querySelectorAll('#event-form input, #event-form select')]
              .filter(el => el.offsetParent !== null && el.labels.length === 0).map(el => el.id)""")
        check(not unlabelled, f"{name}: fields without a label: {unlabelled}")
    page.no_sideways_scroll("record view")

    # 1. Produce 100 kilogram of wheat, output of a new process, with the mouse.
    action.select_by_value("produce")
    Select(page.el("#process")).select_by_value("__new__")
    page.el("#new-process-name").send_keys("growing wheat")
    check(Select(page.el("#resource")).first_selected_option.get_attribute("value") == "__new__",
          "produce does not offer a new resource first")
    page.el("#new-resource-name").send_keys("wheat")
    page.el("#new-resource-tracking").send_keys("W-1")
    page.el("#quantity").send_keys("100")
    Select(page.el("#unit")).select_by_value("kilogram")
    page.shot("phone-record")
    page.el("#submit-event").click()
    page.wait("the produce to be recorded", lambda: "Recorded produce" in page.text("#form-result") or page.visible("#form-error"))
    check(not page.visible("#form-error"), f"the produce was refused: {page.text('#form-error')}")

    # 2. The resource appears with onhand and accounting 100 kilogram.
    page.nav("resources")
    page.wait("wheat in the resources", lambda: quantities(page, "wheat") is not None)
    check(quantities(page, "wheat") == ("100 kilogram", "100 kilogram"),
          f"wheat shows onhand/accounting {quantities(page, 'wheat')}, expected 100 kilogram both")
    page.no_sideways_scroll("resources view")
    page.shot("phone-resources")

    # 3. Transfer 30 kilogram to the mill, keyboard only: Tab through the form, keys in the pickers, Enter to submit.
    page.nav("record")
    check(page.active_id() in ("", None) or page.d.execute_script("return document.activeElement.tagName") == "H1",
          "focus did not move to the view's heading after navigating")
    page.tab_to("action")
    page.keys("transfer")
    page.wait("the transfer fields", lambda: page.visible("#to-resource"))
    check(Select(page.el("#action")).first_selected_option.get_attribute("value") == "transfer",
          "typing 'transfer' on the action picker did not choose transfer")
    passed = page.tab_to("resource")
    check("process" not in passed, f"Tab went through a hidden field: {passed}")
    page.keys(Keys.ARROW_DOWN)
    check(Select(page.el("#resource")).first_selected_option.text.startswith("wheat"),
          f"ArrowDown chose {Select(page.el('#resource')).first_selected_option.text!r}, not wheat")
    check(Select(page.el("#unit")).first_selected_option.get_attribute("value") == "kilogram",
          "the unit was not preselected from the resource")
    page.tab_to("to-resource")
    page.keys(Keys.ARROW_DOWN)  # "+ new resource for the receiver…"
    page.wait("the new to-resource name field", lambda: page.visible("#to-resource-name"))
    page.tab_to("to-resource-name")
    page.keys("wheat at the mill")
    page.tab_to("quantity")
    outline = page.d.execute_script("const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]")
    check(outline[0] != "none" and outline[1] != "0px", f"the focused field shows no focus ring: {outline}")
    page.keys("30")
    page.tab_to("receiver")
    page.keys(Keys.END)  # "other agent (feed id)…"
    page.wait("the receiver id field", lambda: page.visible("#receiver-other"))
    page.tab_to("receiver-other")
    page.keys(mill.id)
    page.keys(Keys.ENTER)
    page.wait("the transfer to be recorded", lambda: "Recorded transfer" in page.text("#form-result") or page.visible("#form-error"))
    check(not page.visible("#form-error"), f"the transfer was refused: {page.text('#form-error')}")

    # 4. Quantities change: the farm's wheat is 70, the mill's new resource 30 and accountable to the mill.
    page.nav("resources")
    page.wait("wheat at 70", lambda: quantities(page, "wheat") == ("70 kilogram", "70 kilogram"))
    check(quantities(page, "wheat at the mill") == ("30 kilogram", "30 kilogram"),
          f"wheat at the mill shows {quantities(page, 'wheat at the mill')}, expected 30 kilogram")

    # 5. The resource detail lists its events; its trace is drawn with each step's signer.
    click_resource(page, "wheat at the mill", ".resource-link")
    page.wait("the resource detail", lambda: page.visible("#detail-onhand"))
    check(page.text("#detail-onhand") == "30 kilogram", f"the detail shows onhand {page.text('#detail-onhand')!r}")
    check("transfer" in page.text("#resource-events"), "the detail does not list the transfer event")
    page.shot("phone-resource")
    page.el("#open-trace").click()
    page.wait("the trace picture", lambda: page.visible("#trace-svg") and page.els("#trace-svg g.step"))
    check_trace(page, farm)
    page.no_sideways_scroll("trace view")
    page.shot("phone-trace")

    # 6. The feed lists the entries with author, sequence, status and verified mark.
    page.nav("feeds")
    page.wait("this node's entries", lambda: len(page.els("#entry-list li.entry")) >= 3)
    entries = page.els("#entry-list li.entry")
    texts = [e.text for e in entries]
    farm_name = page.text("#node-name")
    check(any("produce 100 kilogram" in t for t in texts), f"the feed does not show the produce: {texts}")
    check(any("transfer 30 kilogram" in t for t in texts), f"the feed does not show the transfer: {texts}")
    check(all("signed by" in t and "✓ verified" in t for t in texts), f"an entry lacks its signer or verified mark: {texts}")
    sequences = [int(e.get_attribute("data-sequence")) for e in entries]
    check(sequences == sorted(sequences, reverse=True) and sequences[0] == len(sequences),
          f"the feed's sequences are not {len(sequences)}…1: {sequences}")
    check(farm_name and farm_name in texts[0], f"entries do not name their author ({farm_name!r})")
    page.no_sideways_scroll("feeds view")
    page.shot("phone-feeds")

    # 7. Live: an entry published from the command line appears without a reload.
    page.nav("resources")
    d.execute_script("window.__vfNoReload = 'still here'")
    wheat = resource_row(page, "wheat")["id"]
    farm.run("publish", json.dumps({
        "@type": "EconomicEvent", "action": "raise", "provider": farm.id, "receiver": farm.id,
        "resourceInventoriedAs": wheat, "resourceQuantity": {"hasNumericalValue": "5.5", "hasUnit": "kilogram"}}))
    page.wait("the raise to arrive live", lambda: quantities(page, "wheat") == ("75.5 kilogram", "75.5 kilogram"), timeout=20)
    check(d.execute_script("return window.__vfNoReload") == "still here", "the page reloaded instead of updating live")

    # Live from a peer: the mill records flour on its own node; it reaches the farm by gossip and the page shows it.
    mill.run("publish", json.dumps({
        "@type": "EconomicEvent", "action": "produce", "provider": mill.id, "receiver": mill.id,
        "newInventoriedResource": {"name": "flour"}, "resourceQuantity": {"hasNumericalValue": "12", "hasUnit": "kilogram"}}))
    page.wait("the mill's flour to arrive live", lambda: quantities(page, "flour") == ("12 kilogram", "12 kilogram"), timeout=30)
    page.wait("a notice of the mill's entry", lambda: "new entr" in page.text("#toasts"), timeout=5)
    check(d.execute_script("return window.__vfNoReload") == "still here", "the page reloaded instead of updating live")

    # 8. A refusal shows its reason next to the form (a litre of wheat counted in kilograms).
    page.nav("record")
    Select(page.el("#action")).select_by_value("lower")
    Select(page.el("#resource")).select_by_value(wheat)
    page.el("#quantity").send_keys("1")
    Select(page.el("#unit")).select_by_value("litre")
    page.el("#submit-event").click()
    page.wait("the refusal", lambda: page.visible("#form-error"))
    error = page.text("#form-error")
    check("litre" in error and "kilogram" in error, f"the refusal does not give the server's reason: {error!r}")
    page.shot("phone-record-refused")

    # Consume some wheat into a new milling process, then work on it: the process picker, the effort field.
    Select(page.el("#action")).select_by_value("consume")
    Select(page.el("#resource")).select_by_value(wheat)
    check(Select(page.el("#unit")).first_selected_option.get_attribute("value") == "kilogram", "consume did not take the resource's unit")
    page.el("#quantity").clear()
    page.el("#quantity").send_keys("10")
    Select(page.el("#process")).select_by_value("__new__")
    page.el("#new-process-name").send_keys("milling")
    page.el("#submit-event").click()
    page.wait("the consume to be recorded", lambda: "Recorded consume" in page.text("#form-result") or page.visible("#form-error"))
    check(not page.visible("#form-error"), f"the consume was refused: {page.text('#form-error')}")
    Select(page.el("#action")).select_by_value("work")
    page.wait("milling among the processes", lambda: any(o.text.startswith("milling") for o in Select(page.el("#process")).options))
    Select(page.el("#process")).select_by_visible_text(next(o.text for o in Select(page.el("#process")).options if o.text.startswith("milling")))
    page.el("#effort").send_keys("2")
    page.el("#submit-event").click()
    page.wait("the work to be recorded", lambda: "Recorded work" in page.text("#form-result") or page.visible("#form-error"))
    check(not page.visible("#form-error"), f"the work was refused: {page.text('#form-error')}")
    page.nav("resources")
    page.wait("wheat at 65.5", lambda: quantities(page, "wheat") == ("65.5 kilogram", "65.5 kilogram"))
    processes = page.d.execute_async_script("const done = arguments[arguments.length - 1]; fetch('/api/processes?limit=1000').then(r => r.json()).then(d => done(d.items))")
    milling = [p for p in processes if p["name"] == "milling"]
    check(len(milling) == 1 and len(milling[0]["inputs"]) == 2, f"milling should have the consume and the work as inputs: {milling}")

    # 9. Peers: the mill, connected; the sync progress bar.
    page.nav("peers")
    page.wait("the mill among the peers", lambda: mill.id[:9].lstrip("@") in (page.el("#peer-list").get_attribute("innerHTML") if page.els("#peer-list") else ""))
    page.wait("the mill connected", lambda: "connected" in page.text("#peer-list") and "not connected" not in page.text("#peer-list"), timeout=20)
    check(page.els("#sync-progress"), "the peers view has no sync progress bar")
    page.no_sideways_scroll("peers view")

    # A sync while the page watches: the farm dials the bakery and fetches its entries. What the
    # progress bar shows is recorded as it changes.
    d.execute_script("""
        window.__vfSync = [];
        const bar = document.getElementById('syncbar'), top = document.getElementById('sync-progress-top');
        const view = () => document.getElementById('sync-progress');
        const note = () => window.__vfSync.push({shown: !bar.hidden, top: top.value, view: view() ? view().value : null,
                                                 text: document.getElementById('sync-text-top').textContent});
        new MutationObserver(note).observe(bar, {attributes: true, subtree: true, childList: true, characterData: true});
        new MutationObserver(note).observe(document.querySelector('main'), {attributes: true, subtree: true, attributeFilter: ['value']});
    """)
    farm.run("connect", bakery.file("address"))
    held = lambda: next((f["sequence"] for f in json.loads(farm.run("feeds", "--json")) if f["id"] == bakery.id), 0)
    started = time.time()
    shot_during = False

    def fetched_all():
        nonlocal shot_during
        if not shot_during and page.visible("#syncbar"):
            page.shot("phone-peers-syncing")
            shot_during = True
        return held() == SYNC_ENTRIES

    page.wait(f"the farm to fetch the bakery's {SYNC_ENTRIES} entries", fetched_all, timeout=120)
    print(f"ui test: the sync of {SYNC_ENTRIES} entries took {time.time() - started:.1f} s")
    connected = "return [...document.querySelectorAll('#peer-list .state')].filter(e => e.textContent === 'connected').length"
    page.wait("the mill and the bakery connected", lambda: d.execute_script(connected) == 2, timeout=20)
    page.wait("the sync bar to hide again", lambda: not page.visible("#syncbar"), timeout=20)
    seen = d.execute_script("return window.__vfSync")
    during = [s for s in seen if s["shown"]]
    check(during, f"the sync progress bar never showed during a sync of {SYNC_ENTRIES} entries; it recorded {seen[:20]}")
    check(any(0 < s["top"] < 1 for s in during), f"the progress bar never showed a partial value: {during[:20]}")
    values = [s["top"] for s in during]
    check(values == sorted(values) or max(values) > min(values), f"the progress bar did not move forward: {values}")
    check(any("syncing" in s["text"] and "entries" in s["text"] for s in during), f"the sync bar never said what it fetched: {during[:5]}")
    check(any(s["view"] is not None and 0 < s["view"] < 1 for s in seen), "the peers view's progress bar never showed a partial value")
    print(f"ui test: the sync bar showed {len(during)} states, {min(values):.2f}…{max(values):.2f}")
    page.shot("phone-peers")

    # The bakery's long feed: the newest entries first, older ones on request.
    page.nav("feeds")
    bakery_link = f'#feed-list a[href="#/feeds/{quote(bakery.id, safe="")}"]'
    page.wait("the bakery among the feeds", lambda: page.els(bakery_link))
    page.el(bakery_link).click()
    page.wait("the bakery's newest entries", lambda: page.els("#entry-list li.entry")
              and page.els("#entry-list li.entry")[0].get_attribute("data-sequence") == str(SYNC_ENTRIES))
    first = len(page.els("#entry-list li.entry"))
    check(0 < first < SYNC_ENTRIES, f"the feed view shows {first} of {SYNC_ENTRIES} entries at once")
    page.el("#older").send_keys(Keys.ENTER)
    page.wait("older entries", lambda: len(page.els("#entry-list li.entry")) > first)
    check(page.active_id() is not None and page.d.execute_script("return document.activeElement.dataset.sequence") == str(SYNC_ENTRIES - first),
          "focus did not move to the first older entry")

    page.nav("settings")
    page.shot("phone-settings")

    # 10. Without a token the form says how to get one, and writes nothing.
    d.execute_script("localStorage.removeItem('vf.token')")
    d.refresh()
    page.nav("record")
    page.wait("the token notice", lambda: page.visible("#token-notice"))
    check("vf token" in page.text("#token-notice"), f"the token notice does not say how to get one: {page.text('#token-notice')!r}")
    before = farm.run("feeds", "--json")
    Select(page.el("#action")).select_by_value("raise")
    Select(page.el("#resource")).select_by_value(wheat)
    page.el("#quantity").send_keys("1")
    page.el("#submit-event").click()
    page.wait("the missing-token error", lambda: page.visible("#form-error"))
    check("token" in page.text("#form-error"), f"the error does not mention the token: {page.text('#form-error')!r}")
    check(farm.run("feeds", "--json") == before, "an entry was appended without a token")
    d.execute_script("localStorage.setItem('vf.token', arguments[0])", token)
    d.get(url)
    page.wait("the page with its token again", lambda: page.visible("#event-form") and not page.visible("#token-notice"))


def check_trace(page, farm):
    svg = page.el("#trace-svg")
    check(svg.get_attribute("role") == "img", "the trace picture has no img role")
    check(page.els("#trace-svg title") and page.els("#trace-svg desc"), "the trace picture has no title and desc")
    kinds = [g.get_attribute("data-type") for g in page.els("#trace-svg g.step")]
    check(kinds.count("event") == 2 and kinds.count("resource") == 2 and kinds.count("process") == 1,
          f"the trace of wheat at the mill should draw the transfer, wheat, the produce and its process; it drew {kinds}")
    events = page.els("#trace-svg g.step.event")
    # What the boxes draw (their <text>, not their <title> tooltips), read straight from the DOM.
    words = [" ".join(x.get_attribute("textContent") for x in e.find_elements(By.CSS_SELECTOR, "text")) for e in events]
    check(any("transfer 30 kilogram" in w for w in words) and any("produce 100 kilogram" in w for w in words),
          f"the event boxes do not show the actions and quantities: {words}")
    name = page.text("#node-name")
    for w in words:
        check("signed by" in w and name in w, f"an event box does not name its signer {name!r}: {w!r}")
        check("✓ verified" in w, f"an event box has no verified mark: {w!r}")
    drawn = " ".join(x.get_attribute("textContent") for x in page.els("#trace-svg g.step text"))
    check("growing wheat" in drawn and "wheat at the mill" in drawn, "the trace does not name the process and the resources")
    steps = page.text("#trace-steps")
    check(steps.count("signed by") == 2 and steps.count("✓ verified") == 2, f"the text list of steps lacks signers: {steps!r}")


def run_desktop(page, farm):
    set_viewport(page.d, DESKTOP)
    page.d.set_window_size(*DESKTOP)
    for view in ["record", "feeds", "resources", "processes", "agents", "peers"]:
        page.nav(view)
        time.sleep(0.3)
        page.no_sideways_scroll(f"{view} view at desktop size")
        page.shot(f"desktop-{view}")
    page.nav("resources")
    page.wait("the resource table", lambda: resource_row(page, "wheat at the mill") is not None)
    check(page.el("#resource-table thead").is_displayed(), "the desktop resources view is not a table")
    click_resource(page, "wheat at the mill", ".trace-link")
    page.wait("the trace picture", lambda: page.visible("#trace-svg"))
    page.shot("desktop-trace")

    # Track, the other direction: from the farm's wheat forwards into the mill's.
    wheat = resource_row_anywhere(page, "wheat")
    page.d.get(page.d.current_url.split("#")[0] + "#/track/" + quote(wheat, safe=""))
    page.wait("the track picture", lambda: page.visible("#trace-svg") and page.els("#trace-svg g.step"))
    drawn = " ".join(x.get_attribute("textContent") for x in page.els("#trace-svg g.step text"))
    check("transfer 30 kilogram" in drawn and "wheat at the mill" in drawn, f"the track of wheat does not reach the mill's wheat: {drawn!r}")

    # The same page in dark mode, for a look.
    page.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    page.shot("desktop-track-dark")
    page.d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

    run_long_listings(page, farm)


def run_board(page, farm, mill):
    """The mill posts a need on its own node; the farm's page shows it on the board, and one click commits to it."""
    mill.run("publish", json.dumps({"@type": "Intent", "action": "transfer", "receiver": mill.id, "name": "rye for milling",
                                    "resourceQuantity": {"hasNumericalValue": "5", "hasUnit": "kilogram"}}))
    page.nav("board")
    page.wait("the mill's need on the farm's board", lambda: any("rye for milling" in e.text for e in page.els("#needs-list li")), timeout=30)
    page.shot("desktop-board")
    need = next(e for e in page.els("#needs-list li") if "rye for milling" in e.text)
    need.find_element("css selector", "button[data-action=commit]").click()
    page.wait("the farm's commitment", lambda: any("0 of 5 kilogram done" in e.text for e in page.els("#commitments-list li")))
    page.wait("the need, promised", lambda: any("5 kilogram promised" in e.text for e in page.els("#needs-list li")))
    check("Committed" in page.text("#board-result"), f"the board says {page.text('#board-result')!r}")
    page.no_sideways_scroll("board view")


def resource_names(page):
    return page.d.execute_script("return [...document.querySelectorAll('#resource-table .resource-link')].map(a => a.textContent.trim())")


def run_long_listings(page, farm):
    """More resources than a page holds: the view shows a page, more on request, and finds by name."""
    lines = os.path.join(os.path.dirname(farm.home), "crates.jsonl")
    with open(lines, "w") as f:
        for i in range(CRATES):
            f.write(json.dumps({"@type": "EconomicEvent", "action": "produce", "provider": farm.id, "receiver": farm.id,
                                "newInventoriedResource": {"name": f"crate {i}"},
                                "resourceQuantity": {"hasNumericalValue": "1", "hasUnit": "each"}}) + "\n")
    farm.run("publish", "--lines", lines)
    page.nav("resources")
    page.wait("a first page of resources", lambda: len(resource_names(page)) == RESOURCE_PAGE and page.visible("#resources-more"), timeout=20)
    total = CRATES + 3  # the crates, the farm's wheat, the mill's wheat and flour
    page.el("#resources-more").send_keys(Keys.ENTER)
    page.wait("the rest of the resources", lambda: len(resource_names(page)) == total)
    check(not page.els("#resources-more"), "a \"Show more\" button is left after the last resource")
    check(page.d.execute_script("return document.activeElement.closest('tr')?.rowIndex") == RESOURCE_PAGE + 1,
          "focus did not move to the first resource of the new page")
    check(len(set(resource_names(page))) == total, "a resource is shown twice")
    page.no_sideways_scroll("resources view with many resources")

    # Search by name, ignoring case: only the wheat, then everything again.
    search = page.el("#resource-search")
    search.send_keys("WHEAT")
    page.wait("the wheat only", lambda: sorted(resource_names(page)) == ["wheat", "wheat at the mill"])
    check(not page.els("#resources-more"), "a search with two matches offers more")
    page.shot("desktop-resources-search")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys("crate 1")
    page.wait("the crates named like crate 1", lambda: resource_names(page) and all("crate 1" in n for n in resource_names(page))
              and len(resource_names(page)) == sum(1 for i in range(CRATES) if "crate 1" in f"crate {i}"))
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys("no such thing")
    page.wait("no match", lambda: page.visible("#no-match"))
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACK_SPACE)
    page.wait("a first page again", lambda: len(resource_names(page)) == RESOURCE_PAGE)

    # Agents, searched by name; processes listed.
    page.nav("agents")
    page.wait("the agents", lambda: len(page.els("#agents-list li")) >= 2)
    page.el("#agents-search").send_keys("hillside")
    page.wait("the farm alone", lambda: [e.text for e in page.els("#agents-list .agent-name")] == ["Hillside Farm"])
    page.nav("processes")
    page.wait("the processes", lambda: sorted(e.text for e in page.els("#processes-list .process-link")) == ["growing wheat", "milling"])
    page.shot("desktop-processes")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vf", default=os.path.join(repo, ".build", "debug", "vf"))
    parser.add_argument("--artifacts", default=os.path.join(repo, "artifacts", "ui"))
    args = parser.parse_args()
    for path, what in [(args.vf, "the vf binary (build it first)"), (CHROMIUM, "chromium"), (CHROMEDRIVER, "chromedriver")]:
        if not os.access(path, os.X_OK):
            sys.exit(f"ui test: {what} not found at {path}")
    os.makedirs(args.artifacts, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("ui test: terminated"))
    try:
        run(os.path.abspath(args.vf), args.artifacts)
    except Failure as failure:
        sys.exit(f"ui test FAILED: {failure}")
    except Exception:
        traceback.print_exc()
        sys.exit("ui test FAILED with an unexpected error (above)")


if __name__ == "__main__":
    main()
