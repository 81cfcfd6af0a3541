#!/usr/bin/python3
"""Times the web page's proof check: opens proof.html from disk in headless Chromium, loads
PROOF_FILE through its file input, waits for the verdict and prints the time the check took,
measured inside the page with performance.now() from the file's bytes in hand to the verdict
(reading the JSON, decoding, hashing, verifying every signature, following the links), the
time to read the file into the page, and the verdict with its first failures.

Usage: /usr/bin/python3 Benchmarks/proof-browser/check_in_browser.py PROOF_FILE [--runs N] [--timeout S]
Needs Debian's chromium, chromium-driver and python3-selenium. Exits 0 when the proof holds,
1 when it does not or could not be checked, 2 on a failure of the harness.
"""
import argparse
import os
import sys

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HERE = os.path.dirname(os.path.abspath(__file__))
PROOF_PAGE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Sources", "VFAPI", "Web", "proof.html")

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    sys.exit("check_in_browser: python3-selenium is not installed (apt-get install python3-selenium)")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                "--no-first-run", "--disable-extensions"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def check_once(driver, path, timeout):
    driver.get("file://" + PROOF_PAGE)
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "proof-file"))
    driver.find_element(By.ID, "proof-file").send_keys(path)
    result = driver.find_element(By.ID, "proof-result")
    WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: result.get_attribute("data-verdict"))
    failures = driver.execute_script("return [...document.querySelectorAll('#failures li')].map(li => li.textContent)")
    return (result.get_attribute("data-verdict"), float(result.get_attribute("data-check-ms")),
            float(result.get_attribute("data-read-ms")), driver.find_element(By.ID, "verdict").text, failures)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("proof", help="the proof file, as vf prove wrote it")
    parser.add_argument("--runs", type=int, default=1, help="checks of the same file, each in a freshly loaded page")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for a verdict")
    args = parser.parse_args()
    path = os.path.abspath(args.proof)
    for file, what in [(path, "the proof file"), (PROOF_PAGE, "proof.html")]:
        if not os.path.isfile(file):
            sys.exit(f"check_in_browser: {what} not found at {file}")
    for file, what in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromedriver")]:
        if not os.access(file, os.X_OK):
            sys.exit(f"check_in_browser: {what} not found at {file}")
    driver = browser()
    try:
        print(f"{os.path.basename(path)}: {os.path.getsize(path)} bytes; {driver.capabilities.get('browserVersion', '?')} headless")
        verdict = None
        for run in range(args.runs):
            try:
                verdict, check_ms, read_ms, heading, failures = check_once(driver, path, args.timeout)
            except TimeoutException:
                print(f"no verdict within {args.timeout:.0f} s", file=sys.stderr)
                sys.exit(2)
            print(f"run {run + 1}: check {check_ms:.1f} ms (reading the file into the page {read_ms:.1f} ms); verdict: {verdict} — {heading}")
            for failure in failures[:5]:
                print(f"  {failure}")
            if len(failures) > 5:
                print(f"  … and {len(failures) - 5} more")
        errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        for error in errors:
            print(f"console: {error}", file=sys.stderr)
        sys.exit(0 if verdict == "holds" else 1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
