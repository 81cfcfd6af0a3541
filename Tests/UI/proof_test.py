#!/usr/bin/python3
"""The "Check a proof" page (proof.html), opened from disk in headless Chromium with no node.

A temporary home records a small history (notes, a profile, a process, wheat produced and 30 kg
of it transferred, more notes), and `vf prove` writes a proof of the transferred wheat. The page
is opened from file:// at 390x844 (a phone), and the proof is loaded through its file input:
the page must say it holds and show the claimed trace, each event with its signer's profile
name. Then tampered copies: one base64 character of a payload changed (the hash no longer
matches), and an entry dropped so that no chain of links reaches another; the page must say the
proof does not hold, with the failure `vf proof check` reports in the same words. Then a file
that is not a proof, and one dropped on the drop zone. No view may scroll sideways, and the
console must stay free of errors (the page's own Content-Security-Policy included).

Usage: /usr/bin/python3 Tests/UI/proof_test.py [--vf .build/debug/vf] [--artifacts artifacts/ui]
Needs Debian's chromium, chromium-driver and python3-selenium; nothing is downloaded.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

from ui_test import CHROMIUM, CHROMEDRIVER, PHONE, Failure, Node, Page, check, start_browser

from selenium.webdriver.common.by import By

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROOF_PAGE = os.path.join(REPO, "Sources", "VFAPI", "Web", "proof.html")
NOTES = 15


def make_proof(node, root):
    """Records the wheat's history in `node` and proves the mill's wheat; returns the proof's path."""
    notes = os.path.join(root, "notes.jsonl")
    with open(notes, "w") as f:
        for i in range(NOTES):
            f.write(json.dumps({"note": f"note {i}"}) + "\n")
    node.run("publish", "--lines", notes)
    node.run("publish", json.dumps({"@type": "Organization", "@id": node.id, "name": "Hillside Farm"}))
    process = json.loads(node.run("publish", "--json", json.dumps({"@type": "Process", "name": "growing wheat"})))["id"]
    produce = json.loads(node.run("publish", "--json", json.dumps({
        "@type": "EconomicEvent", "action": "produce", "provider": node.id, "receiver": node.id, "outputOf": process,
        "newInventoriedResource": {"name": "wheat"}, "resourceQuantity": {"hasNumericalValue": "100", "hasUnit": "kilogram"}})))
    mill = "@" + base64.b64encode(bytes(range(1, 33))).decode() + ".ed25519"
    transfer = json.loads(node.run("publish", "--json", json.dumps({
        "@type": "EconomicEvent", "action": "transfer", "provider": node.id, "receiver": mill,
        "resourceInventoriedAs": produce["createdResource"], "newInventoriedResource": {"name": "wheat at the mill"},
        "resourceQuantity": {"hasNumericalValue": "30", "hasUnit": "kilogram"}})))
    node.run("publish", "--lines", notes)
    path = os.path.join(root, "wheat.vfproof.json")
    node.run("prove", transfer["createdResource"], "--out", path)
    return path


def cli_check(vf, path):
    """`vf proof check`: (holds, the FAILED lines)."""
    result = subprocess.run([vf, "proof", "check", path], capture_output=True, text=True, timeout=60)
    failed = [line[len("FAILED: "):] for line in result.stderr.splitlines() if line.startswith("FAILED: ")]
    return result.returncode == 0, failed


def write_proof(proof, path):
    with open(path, "w") as f:
        json.dump(proof, f, separators=(",", ":"))
    return path


def tamper_payload(proof, root):
    """A copy with one base64 character of a payload changed, in the middle, so the bytes differ
    but the text stays canonical base64 of the same length."""
    copy = json.loads(json.dumps(proof))
    pair = next(p for p in copy["entries"] if p[1] is not None and b'"produce"' in base64.b64decode(p[1]))
    text = pair[1]
    i = len(text) // 2
    pair[1] = text[:i] + ("B" if text[i] != "B" else "C") + text[i + 1:]
    return write_proof(copy, os.path.join(root, "payload-tampered.json"))


def drop_link(vf, proof, root):
    """A copy without one entry on the certificate path, chosen so that `vf proof check` says a
    link is missing; returns its path and the CLI's failures."""
    for i, pair in enumerate(proof["entries"]):
        if pair[1] is not None:
            continue
        copy = json.loads(json.dumps(proof))
        del copy["entries"][i]
        path = write_proof(copy, os.path.join(root, "link-dropped.json"))
        holds, failed = cli_check(vf, path)
        if not holds and any("no chain of links from the head" in f for f in failed):
            return path, failed
    raise Failure("no entry of the proof could be dropped to break a link")


def load(page, path):
    """Loads `path` through the file input; returns (verdict, heading, failures, ms)."""
    page.d.execute_script("const r = document.getElementById('proof-result'); r.hidden = true; delete r.dataset.verdict;")
    field = page.el("#proof-file")
    field.send_keys(path)
    page.wait(f"the verdict on {os.path.basename(path)}", lambda: page.el("#proof-result").get_attribute("data-verdict"), timeout=30)
    result = page.el("#proof-result")
    failures = [li.text for li in page.els("#failures li")]
    page.d.execute_script("arguments[0].value = ''", field)
    return (result.get_attribute("data-verdict"), page.text("#verdict"), failures, float(result.get_attribute("data-check-ms")))


def run(vf, artifacts):
    root = tempfile.mkdtemp(prefix="vf-proof-ui.")
    driver = None
    farm = None
    try:
        farm = Node(vf, root, "farm")
        good = make_proof(farm, root)
        holds, failed = cli_check(vf, good)
        check(holds, f"vf proof check refuses the proof the test made: {failed}")
        proof = json.load(open(good))

        driver = start_browser(PHONE)
        page = Page(driver, artifacts)
        driver.get("file://" + PROOF_PAGE)
        page.wait("the proof page", lambda: page.visible("#proof-file"))
        check(driver.execute_script("return typeof globalThis.vf?.checkProof") == "function",
              "the page's scripts did not load from file:// (Content-Security-Policy?)")
        page.no_sideways_scroll("proof page, empty")

        # The good proof holds, and the claimed trace names each step's signer.
        verdict, heading, failures, ms = load(page, good)
        check(verdict == "holds" and "The proof holds" in heading and not failures,
              f"the good proof does not hold in the page: {heading!r} {failures}")
        steps = [li.text for li in page.els("#proof-trace li")]
        check(len(steps) == len(proof["claims"]["trace"]), f"the page shows {len(steps)} steps of a trace of {len(proof['claims']['trace'])}")
        events = [s for s in steps if s.lower().startswith("event")]
        check(any("transfer 30 kilogram" in s for s in events) and any("produce 100 kilogram" in s for s in events),
              f"the trace does not show the events' actions and quantities: {events}")
        check(all("signed by Hillside Farm" in s and farm.id in s for s in events), f"an event does not name its signer: {events}")
        check(any("wheat at the mill" in s and "30 onhand, 30 accounting kilogram" in s for s in steps),
              f"the trace does not show the claimed figures of the mill's wheat: {steps}")
        check("vf proof check" in page.text("#trace-part"), "the page does not say the figures are re-derived by vf proof check")
        check(driver.switch_to.active_element.get_attribute("id") == "verdict", "focus did not move to the verdict")
        page.no_sideways_scroll("proof page, a proof that holds")
        page.shot("phone-proof-holds")
        print(f"proof test: the good proof holds ({len(proof['entries'])} entries, checked in {ms:.0f} ms)")

        # One base64 character of a payload changed: its hash no longer matches its entry.
        tampered = tamper_payload(proof, root)
        holds, cli_failures = cli_check(vf, tampered)
        check(not holds, "vf proof check accepts a tampered payload")
        verdict, heading, failures, _ = load(page, tampered)
        check(verdict == "fails" and "does not hold" in heading, f"the tampered proof holds in the page: {heading!r}")
        # The page cannot derive, so a step whose payload no longer counts is named as missing too.
        check(failures and failures[0].endswith("payload hash does not match the entry") and failures[0] in cli_failures
              and all(f in cli_failures or "is not among the proof's entries with payloads" in f for f in failures[1:]),
              f"the page's failures {failures} are not the payload's, as vf proof check says them: {cli_failures}")
        page.no_sideways_scroll("proof page, a tampered payload")
        page.shot("phone-proof-tampered")

        # An entry dropped: the page reports the same broken links as vf proof check.
        dropped, cli_failures = drop_link(vf, proof, root)
        verdict, heading, failures, _ = load(page, dropped)
        check(verdict == "fails" and "does not hold" in heading, f"the proof with a dropped entry holds in the page: {heading!r}")
        check(failures == cli_failures, f"the page says {failures}\nvf proof check says {cli_failures}")
        print(f"proof test: a dropped entry is reported as vf proof check does: {failures[0][:110]}…")

        # Not a proof at all: malformed, said so.
        junk = os.path.join(root, "junk.json")
        with open(junk, "w") as f:
            f.write('{"vfProof": 1, "vfProof": 1}')
        verdict, heading, failures, _ = load(page, junk)
        check(verdict == "fails" and len(failures) == 1 and "is not a well-formed proof" in failures[0] and "duplicate" in failures[0],
              f"a file with a duplicate member is not refused as malformed: {failures}")

        # Dropped on the drop zone, as a person would: a synthetic drop of the good file's bytes.
        driver.execute_script("document.getElementById('proof-result').dataset.verdict = ''")
        driver.execute_script("""
            const [text, zone] = arguments;
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], 'dropped.json', {type: 'application/json'}));
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
        """, open(good).read(), page.el("#drop-zone"))
        page.wait("the verdict on the dropped file", lambda: page.el("#proof-result").get_attribute("data-verdict") == "holds")

        # Served by a node, under its own Content-Security-Policy header too, and one click
        # from the app's navigation.
        farm.serve()
        driver.get(farm.file("http"))
        page.wait("the app's link to the proof page", lambda: page.els('nav a[href="proof.html"]'))
        page.el('nav a[href="proof.html"]').click()
        page.wait("the served proof page", lambda: page.visible("#proof-file"))
        verdict, heading, failures, _ = load(page, good)
        check(verdict == "holds", f"the good proof does not hold in the served page: {heading!r} {failures}")

        errors = page.console_errors()
        check(not errors, "the browser console has errors:\n  " + "\n  ".join(errors))
        print("proof test: passed")
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass
        if farm is not None:
            farm.stop()
        shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vf", default=os.path.join(REPO, ".build", "debug", "vf"))
    parser.add_argument("--artifacts", default=os.path.join(REPO, "artifacts", "ui"))
    args = parser.parse_args()
    for path, what in [(args.vf, "the vf binary (build it first)"), (CHROMIUM, "chromium"), (CHROMEDRIVER, "chromedriver")]:
        if not os.access(path, os.X_OK):
            sys.exit(f"proof test: {what} not found at {path}")
    os.makedirs(args.artifacts, exist_ok=True)
    try:
        run(os.path.abspath(args.vf), args.artifacts)
    except Failure as failure:
        sys.exit(f"proof test FAILED: {failure}")
    except Exception:
        traceback.print_exc()
        sys.exit("proof test FAILED with an unexpected error (above)")


if __name__ == "__main__":
    main()
