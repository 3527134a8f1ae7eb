"""The reference web client and the API docs in a real browser: Debian's
chromium, driven by Playwright (its Python package; no browser download),
through nginx on the real stack. A person registers, uploads a PDF by the
file picker and a DOCX by drag-and-drop, watches both complete, reads a
result, downloads the file, reaches the free quota and sees the upgrade
prompt, deletes an analysis and logs out; a wrong password and an
oversized file show their messages; the docs' "try it out" answers; and
nothing in the browser console is an error.

Screenshots of the main screens are kept under $CV_ARTIFACTS_DIR/web
(default test-artifacts/web in the repository).
"""
import base64
import os
import pathlib
import re
import shutil
import time

import pytest
import yaml

from playwright.sync_api import expect, sync_playwright

import cvfixtures
from conftest import ROOT, fresh_ip, register, running_stack

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = pathlib.Path(os.environ.get("CV_ARTIFACTS_DIR") or ROOT / "test-artifacts") / "web"
# Generous bounds for a loaded 2-core machine; each wait ends as soon as
# its condition holds.
STEP_MS = 20_000
ANALYSIS_MS = 90_000
REQUEST_ID = re.compile(r"[0-9a-f]{32}")
SPEC = yaml.safe_load((ROOT / "fcgi" / "openapi.yaml").read_text())
MAX_BYTES = SPEC["components"]["schemas"]["AnalysisUpload"]["properties"]["cv"]["x-maxBytes"]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed (deploy/dev deps installs it)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


class Console:
    """Errors the page logged or threw. The browser also logs every HTTP
    error answer as a console error ("Failed to load resource: ... status of
    401"): those of the statuses a test provokes on purpose are expected."""

    def __init__(self, page):
        self.errors = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def assert_clean(self, expected_statuses=()):
        allowed = [re.compile(rf"Failed to load resource: .*status of {s}\b") for s in expected_statuses]
        bad = [e for e in self.errors if not any(a.search(e) for a in allowed)]
        assert not bad, f"browser console errors: {bad}"


@pytest.fixture
def page(browser, stack):
    ctx = browser.new_context(base_url=stack.base_url, viewport={"width": 1280, "height": 900},
                              locale="en-US", accept_downloads=True)
    ctx.set_default_timeout(STEP_MS)
    pg = ctx.new_page()
    pg.console = Console(pg)
    yield pg
    ctx.close()


def shot(page, name, full_page=True):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def drop_file(page, selector, name, mime, content):
    """Drag-and-drop a file onto an element, as a person dropping it from
    their file manager: a drop event carrying a DataTransfer with the file."""
    page.locator(selector).evaluate(
        """(el, f) => {
            const bytes = Uint8Array.from(atob(f.b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], f.name, {type: f.mime}));
            for (const type of ['dragenter', 'dragover', 'drop'])
                el.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        {"b64": base64.b64encode(content).decode(), "name": name, "mime": mime})


def choose_file(page, name, mime, content):
    page.set_input_files("#upload-form input[type=file]",
                         files=[{"name": name, "mimeType": mime, "buffer": content}])


def row(page, file_name):
    return page.locator("tbody tr", has=page.get_by_role("link", name=file_name, exact=True))


def test_a_person_analyses_cvs_from_registration_to_logout(page, stack):
    pdf, docx = cvfixtures.pdf_bytes(), cvfixtures.docx_bytes()
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    shot(page, "01-login")

    # Register; the form's rules come from the served OpenAPI document.
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create an account").click()
    expect(page.locator("#register-form")).to_contain_text("Enter an email address like")
    expect(page.locator("#register-form")).to_contain_text("The password needs 8 to 128 characters")
    email = f"web-{os.urandom(5).hex()}@example.com"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Ada Lovelace.")
    expect(page.locator(".plan")).to_contain_text("0 of 3 analyses used this month")

    # A PDF through the file picker, with options.
    choose_file(page, "cv-en.pdf", "application/pdf", pdf)
    expect(page.locator(".chosen")).to_contain_text("cv-en.pdf")
    page.get_by_text("Options").click()
    page.get_by_label("Job description").fill(
        "We need a senior engineer with Python, Kubernetes, PostgreSQL and Terraform.")
    page.get_by_label("Target role").fill("Senior software engineer")
    page.get_by_label("Also write an optimized version").check()
    page.get_by_role("button", name="Analyse").click()
    expect(page.get_by_role("status")).to_contain_text("“cv-en.pdf” is uploaded")

    # A DOCX dropped on the drop zone.
    drop_file(page, "label.drop", "cv-fr.docx",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx)
    expect(page.locator(".chosen")).to_contain_text("cv-fr.docx")
    page.get_by_role("button", name="Analyse").click()
    expect(page.get_by_role("status")).to_contain_text("“cv-fr.docx” is uploaded")

    # Both complete, seen live (the list follows the user's event stream).
    expect(row(page, "cv-en.pdf")).to_have_attribute("data-status", "completed", timeout=ANALYSIS_MS)
    expect(row(page, "cv-fr.docx")).to_have_attribute("data-status", "completed", timeout=ANALYSIS_MS)
    expect(page.locator(".plan")).to_contain_text("2 of 3 analyses used this month")
    page.get_by_text("Options").click()   # the options, kept for the next CV, folded
    shot(page, "02-dashboard")

    # The result, as a person reads it.
    page.get_by_role("link", name="cv-en.pdf", exact=True).click()
    expect(page.get_by_role("heading", name="cv-en.pdf", level=1)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Score: \d+ \/ 100$"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^ATS score: \d+ \/ 100$"))).to_be_visible()
    for heading in ("Summary", "Strengths", "Weaknesses", "Suggestions", "Sections", "Optimized version"):
        expect(page.get_by_role("heading", name=heading, exact=True, level=2)).to_be_visible()
    expect(page.locator(".chips.found .chip").first).to_be_visible()
    expect(page.locator(".checklist li")).to_have_count(5)
    expect(page.locator(".markdown > *").first).to_be_visible()
    shot(page, "03-result")

    # The original file comes back byte for byte.
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download the original file").click()
    assert dl.value.suggested_filename == "cv-en.pdf"
    assert pathlib.Path(dl.value.path()).read_bytes() == pdf

    # On a phone the same page is one column, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "04-result-phone", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The third analysis uses the free quota up; the page says so and
    # offers the upgrade; a fourth upload is refused with the same offer.
    # Sent over a slow uplink, its upload shows its progress.
    page.get_by_role("link", name="Back to my analyses").click()
    long_cv = cvfixtures.text_bytes() + b"\nProjects\n" + b"- Built and ran data pipelines.\n" * 20_000
    choose_file(page, "cv.txt", "text/plain", long_cv)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
             "downloadThroughput": -1, "uploadThroughput": 256 * 1024})
    page.get_by_role("button", name="Analyse").click()
    expect(page.locator(".progress")).to_be_visible()
    expect(page.locator(".progress")).to_contain_text(re.compile(r"Uploading… \d+%"))
    expect(page.get_by_role("status")).to_contain_text("“cv.txt” is uploaded")
    expect(page.locator(".progress")).to_be_hidden()
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
             "downloadThroughput": -1, "uploadThroughput": -1})
    expect(page.locator(".plan")).to_contain_text("3 of 3 analyses used this month")
    prompt = page.locator(".callout")
    expect(prompt).to_contain_text("You have used all the analyses of your plan this month.")
    expect(prompt.get_by_role("button", name="Upgrade to Pro")).to_be_visible()
    choose_file(page, "cv-again.pdf", "application/pdf", pdf)
    page.get_by_role("button", name="Analyse").click()
    error = page.locator("#upload-form > .form-error")
    expect(error).to_contain_text("Upgrade to Pro for more.")
    expect(error).to_contain_text(re.compile(r"Request id for support: [0-9a-f]{32}\."))
    expect(row(page, "cv.txt")).to_have_attribute("data-status", "completed", timeout=ANALYSIS_MS)
    shot(page, "05-quota")

    # Delete an analysis, after confirming.
    row(page, "cv.txt").get_by_role("button", name="Delete cv.txt").click()
    page.get_by_role("dialog").get_by_role("button", name="Yes, delete").click()
    expect(page.get_by_role("status")).to_contain_text("“cv.txt” was deleted.")
    expect(row(page, "cv.txt")).to_have_count(0)
    expect(page.locator("tbody tr")).to_have_count(2)

    # Log out: the token is revoked and gone from the tab.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('cv.token')") is None

    # The same page in French.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Langue").select_option("en")
    page.console.assert_clean(expected_statuses=(402,))


@pytest.mark.parametrize("events", ["streamed", "refused"])
def test_the_list_follows_analyses_live_and_polls_without_events(page, stack, events):
    """The dashboard follows the user's feed (/api/events, EventSource with
    a single-use ticket) while an analysis is unfinished; when the stream
    is refused it falls back to polling, and the result shows all the same."""
    streams = []
    page.on("request", lambda r: r.resource_type == "eventsource" and streams.append(r.url))
    if events == "refused":
        page.route(re.compile(r"/api/events\?ticket="),
                   lambda route: route.fulfill(status=503, body="unavailable"))
    with stack.client(source_ip=fresh_ip()) as c:
        acct = register(c, name="Katherine Johnson")
    page.goto("/#/login")
    page.get_by_label("Email").fill(acct.email)
    page.get_by_label("Password").fill(acct.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Katherine Johnson.")

    choose_file(page, "live.txt", "text/plain", cvfixtures.text_bytes())
    page.get_by_role("button", name="Analyse").click()
    expect(page.get_by_role("status")).to_contain_text("“live.txt” is uploaded")
    expect(row(page, "live.txt")).to_have_attribute("data-status", "completed", timeout=ANALYSIS_MS)
    # The list may show the end before the stream is open (a fast
    # analysis): wait for the stream itself, with a deadline.
    deadline = time.monotonic() + STEP_MS / 1000
    while not any("/api/events?ticket=" in u for u in streams) and time.monotonic() < deadline:
        page.wait_for_timeout(50)   # lets Playwright deliver the request events
    assert any("/api/events?ticket=" in u for u in streams), streams
    page.console.assert_clean(expected_statuses=(503,) if events == "refused" else ())


def test_wrong_password_and_oversized_file_show_their_messages(page, stack):
    with stack.client(source_ip=fresh_ip()) as c:
        acct = register(c, name="Grace Hopper")
    page.goto("/#/login")
    # By keyboard alone: the page opens on its heading, the form follows.
    page.get_by_label("Email").focus()
    page.keyboard.type(acct.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("wrong-Passw0rd")
    page.keyboard.press("Enter")
    error = page.locator("#login-form .form-error")
    expect(error).to_contain_text("The email or the password is wrong.")
    expect(error).to_contain_text(re.compile(r"Request id for support: [0-9a-f]{32}\."))
    shot(page, "06-wrong-password")

    page.get_by_label("Password").fill(acct.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Grace Hopper.")

    # The limit is the served document's (the server's MAX_FILE_SIZE).
    choose_file(page, "huge.pdf", "application/pdf", b"%PDF-1.4\n" + b"0" * (MAX_BYTES + (1 << 20)))
    expect(page.locator("#upload-form .file-error")).to_contain_text("the limit is 10 MB")
    page.get_by_role("button", name="Analyse").click()
    expect(page.locator("#upload-form .file-error")).to_contain_text("the limit is 10 MB")
    expect(page.locator(".list")).to_contain_text("No analysis yet")
    page.console.assert_clean(expected_statuses=(401,))


def test_account_erasure_in_french(page, stack):
    with stack.client(source_ip=fresh_ip()) as c:
        acct = register(c, name="Élodie Martin")
        page.goto("/")
        page.get_by_label("Language").select_option("fr")
        page.get_by_label("E-mail").fill(acct.email)
        page.get_by_label("Mot de passe").fill(acct.password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("status")).to_contain_text("Bienvenue, Élodie Martin.")
        expect(page.locator(".plan")).to_contain_text("0 analyses sur 3 utilisées ce mois-ci")
        shot(page, "08-dashboard-fr")

        page.get_by_role("link", name="Compte").click()
        expect(page.get_by_role("heading", name="Votre compte")).to_be_visible()
        password = page.get_by_label("Votre mot de passe, pour confirmer")
        password.fill("mauvais-Passw0rd")
        page.get_by_role("button", name="Effacer mon compte").click()
        page.get_by_role("dialog").get_by_role("button", name="Oui, supprimer").click()
        error = page.locator("#erase-form .form-error")
        expect(error).to_contain_text("Le mot de passe est incorrect.")
        expect(error).to_contain_text(re.compile(r"Identifiant de la requête pour le support : [0-9a-f]{32}\."))
        password.fill(acct.password)
        page.get_by_role("button", name="Effacer mon compte").click()
        page.get_by_role("dialog").get_by_role("button", name="Oui, supprimer").click()
        expect(page.get_by_role("status")).to_contain_text("Votre compte et toutes ses données sont effacés.")
        expect(page.get_by_role("heading", name="Créer un compte")).to_be_visible()
        r = c.post("/api/auth/login", json={"email": acct.email, "password": acct.password})
        assert r.status_code == 401
    page.console.assert_clean(expected_statuses=(401,))


def test_api_docs_render_and_try_it_out_calls_this_server(page, stack):
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("CV Analyzer API")
    shot(page, "07-api-docs", full_page=False)
    op = page.locator("#operations-health-getHealth")
    op.locator(".opblock-summary").click()
    op.get_by_role("button", name="Try it out").click()
    op.get_by_role("button", name="Execute").click()
    expect(op.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    expect(op.locator(".live-responses-table")).to_contain_text('"status": "ok"')
    page.console.assert_clean()


def test_stripe_returns_to_the_client(page, stack):
    # Checkout's success URL is FRONTEND_URL/billing/success?session_id=...
    page.goto("/billing/success?session_id=cs_test_1")
    expect(page.get_by_role("status")).to_contain_text("Your plan changes as soon as the payment is confirmed.")
    assert page.url == f"{stack.base_url}/#/"
    page.console.assert_clean()


def test_pages_keep_a_strict_content_security_policy(stack):
    with stack.client() as c:
        assert c.get("/billingx").status_code == 404
        for path in ("/", "/api/docs/", "/js/main.js", "/api/openapi.yaml", "/billing/cancel"):
            r = c.get(path)
            assert r.status_code == 200, path
            csp = r.headers["content-security-policy"]
            assert "script-src 'self';" in csp and "unsafe" not in csp, (path, csp)
            assert REQUEST_ID.fullmatch(r.headers["x-request-id"])
        served = yaml.safe_load(c.get("/api/openapi.yaml").text)
        assert served["components"]["schemas"]["AnalysisUpload"]["properties"]["cv"]["x-maxBytes"] == MAX_BYTES
        assert c.get("/api/docs").status_code == 301


def test_served_document_carries_this_servers_upload_limit():
    # The file says the default; nginx serves the limit it was set up with.
    with running_stack({"MAX_FILE_SIZE": "2M"}) as s, s.client() as c:
        served = yaml.safe_load(c.get("/api/openapi.yaml").text)
    assert served["components"]["schemas"]["AnalysisUpload"]["properties"]["cv"]["x-maxBytes"] == 2 * 1024 * 1024
    assert MAX_BYTES == 10 * 1024 * 1024
