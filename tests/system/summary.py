"""pytest plugin: end the run with one line per test file (passed, failed,
skipped), so a CI log shows which suites ran against which peers."""

import collections
import os

_counts = collections.defaultdict(collections.Counter)


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _counts[os.path.basename(report.fspath)][report.outcome] += 1


def pytest_terminal_summary(terminalreporter):
    if not _counts:
        return
    terminalreporter.write_sep("-", "system tests by file")
    for name in sorted(_counts):
        c = _counts[name]
        terminalreporter.write_line(
            f"{name:32} {c['passed']:4} passed {c['failed']:3} failed {c['skipped']:3} skipped")
