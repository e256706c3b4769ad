"""The browser checks themselves: each must catch what it is there for, or a green run of the
page and journey tests would prove nothing."""

from tests.browser.helpers import PageWatch, axe_violations


def watched_page(browser):
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, {"127.0.0.1", "localhost"})
    watch.attach(context)
    return context, page, watch


def test_watch_records_and_blocks_request_to_another_host(browser):
    context, page, watch = watched_page(browser)
    try:
        page.set_content('<img src="https://cdn.example.com/logo.png" alt="Logo">')
        page.wait_for_load_state("load")
    finally:
        context.close()

    assert watch.foreign == ["https://cdn.example.com/logo.png"]
    assert any("request to another host" in problem for problem in watch.problems())


def test_watch_records_console_and_page_errors(browser):
    context, page, watch = watched_page(browser)
    try:
        page.set_content("<p>x</p>")
        page.evaluate("() => console.error('broken widget')")
        page.evaluate("() => setTimeout(() => { throw new Error('uncaught boom'); }, 0)")
        page.wait_for_timeout(200)
    finally:
        context.close()

    assert any("broken widget" in error for error in watch.console_errors)
    assert any("uncaught boom" in error for error in watch.page_errors)


def test_axe_finds_wcag_violations(browser):
    context, page, _watch = watched_page(browser)
    try:
        page.set_content(
            '<html><head><title>t</title></head><body><main><img src="data:image/png;base64,'
            'iVBORw0KGgo="><input type="text"></main></body></html>'
        )
        rule_ids = {violation["id"] for violation in axe_violations(page)}
    finally:
        context.close()

    assert {"html-has-lang", "image-alt", "label"} <= rule_ids
