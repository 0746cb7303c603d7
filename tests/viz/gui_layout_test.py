"""Projector layouts: every built-in lesson at 1280x800 and 1920x1080, on the desktop and in
presentation mode, visited step by step (each question open, then answered, and the end) by the
app's own --audit-layout. At no moment may a text run out of what it labels, two texts overlap,
a window's or a table column's content run past its edge without a scrollbar, or a caption need
scrolling.

Guards what a class saw: the caption cut off the third choice and the explanation at 1280x800,
gauge texts read "ng handlers", the replay bar lost Play and Breakpoints at 1600 px with a long
title, freeze labels ran past their band and step labels sat on the high-water labels.
"""

import concurrent.futures
import json
import os
import shutil
import subprocess
import tempfile
import unittest

BINARY = os.environ.get("LOOPSCOPE_BINARY", "build/viz/loopscope")
SIZES = ("1280x800", "1920x1080")
RUN_TIMEOUT_S = 240  # one lesson's sweep; a few seconds on an idle machine


def lessons():
    listing = subprocess.run([BINARY, "lesson", "--list"], capture_output=True, text=True, timeout=60, check=True)
    return [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]


def audit(lesson, size, present, directory):
    report_path = os.path.join(directory, f"{lesson}-{size}-{'present' if present else 'desktop'}.json")
    # Each run gets its own virtual display (xvfb-run -a picks a free one), so two run at once.
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {size}x24", BINARY, "gui", "--size", size, "--port", "0",
               "--lesson", lesson, "--recorded", "--audit-layout", "--report", report_path]
    if present:
        command.append("--present")
    # Under AddressSanitizer the GL driver's own leaks (llvmpipe, "<unknown module>") would end
    # every run with LeakSanitizer's exit code; as gui_screenshot_test, leaks are checked in
    # the in-process tests and not here.
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1")
    run = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=env)
    report = None
    if os.path.exists(report_path):
        with open(report_path) as file:
            report = json.load(file)
    return run, report


@unittest.skipUnless(shutil.which("xvfb-run") and shutil.which("Xvfb"), "needs Xvfb (scripts/setup installs it)")
class ProjectorLayouts(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="loopscope-layout-")

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def test_nothing_is_cut_or_overlapping_in_any_lesson(self):
        runs = [(lesson, size, present) for lesson in lessons() for size in SIZES for present in (False, True)]
        self.assertGreaterEqual(len(runs), 4 * 11, "every built-in lesson, two sizes, two layouts")
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:  # the machine has 2 cores
            results = list(pool.map(lambda run: (run, audit(*run, self.directory)), runs))
        for (lesson, size, present), (run, report) in results:
            where = f"{lesson} at {size} {'presenting' if present else 'desktop'}"
            with self.subTest(where):
                self.assertIsNotNone(report, f"no report; stderr: {run.stderr}")
                moments = report["layout_audit"]
                # Each step twice (question open, then answered) and the end: the sweep saw the lesson.
                self.assertEqual(2 * len(report["lesson"]["fired_steps"]) + 1, len(moments), where)
                self.assertTrue(any(moment["texts"] > 5 for moment in moments),
                                f"{where}: the audit saw almost no texts, so it checked nothing")
                problems = [f"{m['time_ns'] // 1_000_000} ms{' (answered)' if m['answered'] else ''}: "
                            f"{p['kind']}: {p['what']}" for m in moments for p in m["problems"]]
                self.assertEqual([], problems, where)
                self.assertEqual(0, run.returncode, f"{where}: {run.stderr}")
                self.assertEqual(present, report["presenting"], where)
                self.assertEqual([int(n) for n in size.split("x")],
                                 [report["window"]["width_px"], report["window"]["height_px"]], where)

    def test_a_question_is_visited_while_it_is_open(self):
        # The sweep must look at the caption while it asks, not only after the answer.
        run, report = audit("blocking-freezes-everyone", "1280x800", True, self.directory)
        self.assertEqual(0, run.returncode, run.stderr)
        asked = [m for m in report["layout_audit"] if m["open_predictions"] and not m["answered"]]
        self.assertTrue(asked, json.dumps(report["layout_audit"])[:2000])

    def test_without_a_recorded_lesson_it_is_refused(self):
        run = subprocess.run([BINARY, "gui", "--port", "0", "--audit-layout"], capture_output=True, text=True,
                             timeout=60, env=dict(os.environ, DISPLAY=""))
        self.assertEqual(2, run.returncode, run.stderr)
        self.assertIn("--recorded", run.stderr)


if __name__ == "__main__":
    unittest.main()
