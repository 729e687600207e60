"""End to end in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright):
archive staff upload a small batch (a PDF and a zip, plus a file that is no document) and
watch the real Prefect flow finish it; a reviewer opens a flagged record, confirms and
corrects its flagged fields with the keyboard alone, approves it, and sees it verified with
its history. Counts the keystrokes per decision (the workstation's targets: ≤ 2 to confirm a
right value, typing + ≤ 2 to correct a wrong one).

Screenshots go to $SOHOA_SCREENSHOTS (docs/screenshots/ when refreshing the committed ones),
else to the test's temporary folder."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from web_server import CHROMIUM, PASSWORDS, WebServer, serve

from samples import bundled_corpus

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]
playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} missing: apt-get install chromium (install.sh does)",
                allow_module_level=True)

FLAGGED_DOC = "marriage_0001"


class Keys:
    """The reviewer's keyboard, counting every key press (a typed character is one)."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page, self.count = page, 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)


def _sign_in(page, server: WebServer, user: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORDS[user][1])
    page.click("button[type=submit]")


def _batch(tmp: Path) -> list[Path]:
    corpus = bundled_corpus()
    pdf = tmp / f"{FLAGGED_DOC}.pdf"
    shutil.copy(corpus / f"{FLAGGED_DOC}.pdf", pdf)
    zpath = tmp / "quyen-03-2007.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(corpus / "birth_0001.pdf", "book/birth_0001.pdf")
    notes = tmp / "notes.txt"
    notes.write_text("not a scan")
    return [pdf, zpath, notes]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with serve(tmp_path_factory.mktemp("web")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                               args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


def test_upload_review_correct_approve(server: WebServer, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shots = Path(os.environ.get("SOHOA_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
    page = ctx.new_page()

    # --- archive staff: upload and watch the batch --------------------------------------
    _sign_in(page, server, "staff1")
    page.wait_for_url("**/upload")
    page.fill("input[name=archive_office]", "UBND xã Thượng Lan")
    page.fill("input[name=register_book]", "Quyển 03/2007")
    page.fill("input[name=year]", "2007")
    page.set_input_files("#files", [str(p) for p in _batch(tmp_path)])
    assert page.locator("#picked li").count() == 3
    page.screenshot(path=str(shots / "upload.png"))
    page.click("#send")
    page.wait_for_url("**/uploads/u-*")
    page.wait_for_function(
        "document.getElementById('progress').dataset.state === 'done'", timeout=300_000)
    page.wait_for_timeout(1200)  # the last poll's counts and the reload after it
    counts = {k: int(page.inner_text(f"#c-{k}")) for k in
              ("received", "processed", "verified", "needs_review", "rejected", "failed")}
    assert counts["received"] == 3 and counts["processed"] == 3, counts
    assert counts["rejected"] == 1 and counts["needs_review"] >= 1, counts
    assert "notes.txt" in page.inner_text("#records")
    page.screenshot(path=str(shots / "upload-progress.png"), full_page=True)
    page.click("button.link")  # sign out

    # --- reviewer: the queue, then the workstation, keyboard only ------------------------
    _sign_in(page, server, "rev1")
    page.wait_for_url("**/review")
    row = page.locator("#queue tr", has_text=f"{FLAGGED_DOC}.pdf")
    assert row.count() == 1
    page.screenshot(path=str(shots / "queue.png"))
    row.locator("button.open").click()
    page.wait_for_url("**/review/rec-*")
    record_id = page.url.rsplit("/", 1)[1]
    truth = json.loads((bundled_corpus() / f"{FLAGGED_DOC}.truth.json").read_text())["fields"]
    keys = Keys(page)
    confirms: list[int] = []
    corrections: list[tuple[str, int, int]] = []  # key, typed characters, other keys
    replaced: dict[str, str] = {}  # a corrected field's value as read, before the fix
    shot_taken = False
    for _ in range(40):
        focused = page.evaluate(
            "document.activeElement.closest('.field')?.dataset.key || null")
        if focused is None:
            break
        shown = page.input_value(f"#f-{focused} input.val")
        want = truth.get(focused)
        want_text = "" if want is None else str(want)
        before = keys.count
        if shown == want_text:
            keys.press("Enter")
            confirms.append(keys.count - before)
        else:
            replaced[focused] = shown
            if want_text:
                keys.type(want_text)  # the value is selected: typing replaces it
            else:
                keys.press("Delete")
            if not shot_taken:
                page.screenshot(path=str(shots / "workstation.png"))
                shot_taken = True
            keys.press("Enter")
            corrections.append((focused, len(want_text), keys.count - before - len(want_text)))
        page.wait_for_function(
            f"!document.getElementById('f-{focused}').classList.contains('todo')")
    assert page.inner_text("#flagged-left") == "0"
    assert confirms and corrections, (confirms, corrections)
    # the re-normalised value is what the record now holds
    assert page.input_value("#f-husband_name input.val") == truth["husband_name"]
    keys.press("Alt+a")
    page.wait_for_url(f"**/records/{record_id}")
    assert page.inner_text("#rec-status") == "verified"
    history = page.inner_text("#history")
    assert "corrected" in history and "approved" in history and "rev1" in history
    for key, shown in replaced.items():  # each correction shows what was read and the fix
        assert shown in history and str(truth[key]) in history, (key, shown, history)
    page.screenshot(path=str(shots / "record.png"), full_page=True)
    stored = json.loads((server.data_dir / "store" / "records" / f"{record_id}.json")
                        .read_text(encoding="utf-8"))
    for key, _typed, _extra in corrections:  # what was typed is what the record now holds
        assert stored["fields"][key]["value"] == truth[key], key
        assert stored["fields"][key]["state"] == "corrected"

    # the index serves it as verified, and every decision is kept for calibration
    with sqlite3.connect(server.data_dir / "index.db") as db:
        status = db.execute("select status from documents where record_id = ?",
                            (record_id,)).fetchone()[0]
        decided = db.execute("select action, count(*) from review_decisions "
                             "where record_id = ? group by action", (record_id,)).fetchall()
    assert status == "verified"
    assert dict(decided) == {"confirmed": len(confirms), "corrected": len(corrections)}

    # Alt+N from the verified record goes on to the next record waiting (birth_0001)
    keys.press("Alt+n")
    page.wait_for_url("**/review/rec-*")
    assert page.url.rsplit("/", 1)[1] != record_id
    assert page.locator("#ws").get_attribute("data-claimed") == "1"

    figures = {"confirm_keystrokes_max": max(confirms),
               "correct_extra_keystrokes_max": max(c[2] for c in corrections),
               "confirmed_fields": len(confirms), "corrected_fields": len(corrections),
               "corrections": corrections}
    print("\nkeystrokes:", json.dumps(figures, ensure_ascii=False))
    (tmp_path / "keystrokes.json").write_text(json.dumps(figures, ensure_ascii=False))
    assert figures["confirm_keystrokes_max"] <= 2
    assert figures["correct_extra_keystrokes_max"] <= 2
    ctx.close()
