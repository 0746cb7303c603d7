"""The app driven as a presenter drives it: real key presses through the X server (xdotool) to
the running app under Xvfb, and the app's live --report read back after each one.

Guards the bugs a class saw: Left/Right moved ImGui's focus instead of stepping, '-' was lost,
keys stopped working after R, P and Left, Space right after Left was ignored, and the revealed
answer was replaced by the next caption at once. Every wait is bounded; every process is killed.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

BINARY = os.environ.get("LOOPSCOPE_BINARY", "build/viz/loopscope")
WAIT_S = 30  # generous: a shared 2-core machine under a software renderer


def have_tools():
    return all(shutil.which(tool) for tool in ("Xvfb", "xdotool"))


@unittest.skipUnless(have_tools(), "needs Xvfb and xdotool (scripts/setup installs them)")
class AppUnderKeys(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="loopscope-keys-")
        self.report_path = os.path.join(self.directory, "report.json")
        self.processes = []
        read_end, write_end = os.pipe()
        # -displayfd: Xvfb picks a free display and writes its number, so parallel tests never collide.
        self.xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_end)
        self.processes.append(self.xvfb)
        with os.fdopen(read_end) as display_number:
            self.display = ":" + display_number.readline().strip()
        self.env = dict(os.environ, DISPLAY=self.display)

    def tearDown(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)

    # --- driving the app ---
    def start_app(self, *arguments):
        app = subprocess.Popen([BINARY, *arguments, "--size", "1280x800", "--report", self.report_path],
                               env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.processes.append(app)
        self.app = app
        self.wait_for(lambda report: report.get("frame", 0) > 3, "the app's first frames")
        window = subprocess.run(["xdotool", "search", "--sync", "--name", "Loopscope"], env=self.env,
                                capture_output=True, text=True, timeout=WAIT_S, check=True)
        self.window = window.stdout.split()[0]
        subprocess.run(["xdotool", "windowfocus", "--sync", self.window], env=self.env, timeout=WAIT_S, check=True)

    def report(self):
        try:
            with open(self.report_path) as file:
                return json.load(file)
        except (OSError, ValueError):
            return {}

    def wait_for(self, condition, what):
        deadline = time.monotonic() + WAIT_S
        report = {}
        while time.monotonic() < deadline:
            if getattr(self, "app", None) is not None and self.app.poll() is not None:
                self.fail(f"the app exited ({self.app.returncode}) while waiting for {what}: "
                          f"{self.app.stderr.read().decode(errors='replace')}")
            report = self.report()
            if report and condition(report):
                return report
            time.sleep(0.05)
        self.fail(f"waited {WAIT_S} s for {what}; last report: {json.dumps(report)[:2000]}")

    def press(self, key):
        """One key, and wait until the app says it acted on it."""
        handled_before = len(self.report().get("keys_handled", []))
        frame_before = self.report().get("frame", 0)
        subprocess.run(["xdotool", "key", "--window", self.window, key], env=self.env, timeout=WAIT_S, check=True)
        return self.wait_for(
            lambda report: len(report.get("keys_handled", [])) > handled_before or
            (handled_before == 64 and report.get("frame", 0) > frame_before + 2),
            f"the app to act on {key}")


    def wait_frames(self, count):
        frame = self.report().get("frame", 0)
        self.wait_for(lambda report: report.get("frame", 0) >= frame + count, f"{count} more frames")

    def click(self, x, y):
        """A click ImGui 1.86 cannot miss: it reads the mouse once per frame (no event queue), so
        a move, a press and a release inside one frame (likely when a sanitizer slows the frames)
        would be lost. Each gets frames of its own."""
        run = lambda *arguments: subprocess.run(["xdotool", *arguments], env=self.env, timeout=WAIT_S, check=True)
        run("mousemove", "--window", self.window, str(x), str(y))
        self.wait_frames(3)
        run("mousedown", "1")
        self.wait_frames(3)
        run("mouseup", "1")
        self.wait_frames(2)

    def record_a_plain_trace(self):
        """A trace of `serve` with one client sending a few lines: a replay with no lesson over it."""
        trace = os.path.join(self.directory, "plain.trace")
        server = subprocess.Popen([BINARY, "serve", "--port", "0", "--duration", "3", "--trace", trace],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.processes.append(server)
        first_line = server.stdout.readline()  # "listening on 127.0.0.1:PORT"
        port = int(first_line.strip().rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as client:
            for index in range(5):
                client.sendall(b"line %d\n" % index)
                client.recv(100)
                time.sleep(0.05)
        server.wait(timeout=WAIT_S)
        server.stdout.close()
        self.assertTrue(os.path.exists(trace), "serve wrote its trace")
        return trace

    # --- the tests ---
    def test_a_warning_jumps_the_timeline_to_its_moment_and_selects_its_task(self):
        """docs/warnings.md: W, and a click on a row of the Warnings tab, go to the warning."""
        self.start_app("gui", "--lesson", "blocking-freezes-everyone", "--recorded", "--tab", "warnings")
        for _ in range(10):  # the lesson asks before each freeze: P answers, bounded
            report = self.wait_for(lambda r: len(r.get("warnings", [])) >= 2 or
                                   r.get("lesson", {}).get("holding_for_answers"), "a question or both freezes")
            if len(report.get("warnings", [])) >= 2:
                break
            self.press("p")
        report = self.wait_for(lambda r: len(r.get("warnings", [])) >= 2, "the recorded run's two freezes")
        warnings = report["warnings"]
        self.assertEqual({w["kind"] for w in warnings}, {"slow_callback"})
        self.assertIn("blocking_sleep.cpp:12", warnings[0]["message"])

        report = self.press("w")
        self.assertEqual(report["warning_shown"], 0)
        self.assertEqual(report["selected_task"], warnings[0]["task"])
        report = self.wait_for(lambda r: r["timeline"]["viewport"]["begin_ns"] <= warnings[0]["time_ns"]
                               <= r["timeline"]["viewport"]["end_ns"]
                               and r["timeline"]["viewport"]["end_ns"] - r["timeline"]["viewport"]["begin_ns"]
                               < 2_000_000_000, "the view around the first warning")

        # The second row of the Warnings tab, clicked with the mouse where the app drew it.
        second_time = "%.3f s" % (warnings[1]["time_ns"] / 1e9)
        rows = [t for t in report["layout"]["texts"] if t["text"] == second_time]
        self.assertTrue(rows, f"the Warnings tab shows a row at {second_time}")
        x0, y0, x1, y1 = rows[0]["box"]
        self.click(int((x0 + x1) / 2), int((y0 + y1) / 2))
        # The report may be written between the click and the frame that draws its view: wait for both.
        report = self.wait_for(lambda r: r.get("warning_shown") == 1 and
                               warnings[0]["time_ns"] < r["timeline"]["viewport"]["begin_ns"] <= warnings[1]["time_ns"]
                               <= r["timeline"]["viewport"]["end_ns"], "the clicked warning on show, and its moment in view")

        # In presentation mode W puts it in the caption; Right goes back to the lesson.
        report = self.press("F11")
        report = self.press("w")
        self.assertIsNone(report["warning_shown"], "after the last warning, none: back to the lesson")
        report = self.press("w")
        self.assertEqual(report["warning_shown"], 0)
        self.assertTrue(any("Loopscope says: Blocking call on the loop" in t["text"] for t in report["layout"]["texts"]),
                        "the caption names the warning")
        report = self.press("Right")
        self.assertIsNone(report["warning_shown"])

    def test_your_own_asyncio_server_live_named_at_your_lines(self):
        """docs/asyncio.md: `loopscope asyncio server.py` shows the learner's own server live; the
        freeze is named at their line while it lasts; a click on a lane selects that task."""
        example = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "assets", "examples",
                                               "my_server.py"))
        with socket.socket() as probe_port:  # a free port for the learner's server
            probe_port.bind(("127.0.0.1", 0))
            port = probe_port.getsockname()[1]
        app = subprocess.Popen([BINARY, "asyncio", "--size", "1280x800", "--report", self.report_path, "--tab", "code",
                                example, str(port)], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.processes.append(app)
        self.app = app
        report = self.wait_for(lambda r: r.get("server", {}).get("backend") == "asyncio_program", "the asyncio session")
        self.assertEqual(report["server"]["program"], example)
        self.assertIn("CPython 3.", report["server"]["runtime"])
        window = subprocess.run(["xdotool", "search", "--sync", "--name", "Loopscope"], env=self.env,
                                capture_output=True, text=True, timeout=WAIT_S, check=True)
        self.window = window.stdout.split()[0]
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as client:
            client.settimeout(WAIT_S)
            client.sendall(b"hello\n")
            self.assertEqual(client.recv(100), b"HELLO\n")
            # The live freeze, named at the learner's time.sleep line; the report is written every
            # 100 ms and each sleep lasts 400 ms, so a few tries are bounded and plenty (more
            # than one is for a machine so loaded that frames, and so reports, come late).
            seen = None
            for _ in range(10):
                client.sendall(b"sleep\n")
                deadline = time.monotonic() + 1.0
                while time.monotonic() < deadline and seen is None:
                    frozen_at = self.report().get("server", {}).get("frozen_at")
                    seen = frozen_at if frozen_at else None
                    time.sleep(0.02)
                self.assertEqual(client.recv(100), b"slept\n")
                if seen is not None:
                    break
            with open(example) as source:
                sleep_line = next(number for number, line in enumerate(source, 1) if "time.sleep(0.4)  #" in line)
            self.assertEqual(seen, f"my_server.py:{sleep_line}")
            report = self.wait_for(lambda r: r["server"]["freezes"] >= 1 and not r["server"]["frozen"], "the freeze closed")
            lanes = [lane for lane in report["timeline"]["lanes"] if lane["kind"] == "task" and lane["task_id"] == 1]
            self.assertTrue(lanes, f"a lane for the connection's task: {report['timeline']['lanes']}")
            canvas = report["timeline"]["canvas"]
            self.click(int(canvas["x_px"] + canvas["width_px"] * 0.9), int(lanes[0]["top_px"] + lanes[0]["height_px"] / 2))
            self.wait_for(lambda r: r.get("selected_task") == 1, "the clicked task selected")
            client.sendall(b"quit\n")
            self.assertEqual(client.recv(100), b"bye\n")

    def test_the_server_panel_switches_to_threads_and_nc_gets_a_thread_lane(self):
        """docs/gui.md: the server panel's model choice, clicked; a connection of ours (as `nc`
        would be) is served by each model, and on the threaded ones its lane is a thread."""
        self.start_app("gui", "--port", "0", "--tab", "connections")
        report = self.wait_for(lambda r: r.get("server", {}).get("model") == "loop", "free play on the loop")
        port = report["server"]["port"]
        for choice, model, lane_prefix in (("a thread per connection", "threads", "thread "),
                                           ("a pool of 50 threads", "pool", "pooled "),
                                           ("the event loop", "loop", "task ")):
            with self.subTest(model=model):
                report = self.wait_for(lambda r: self.box_of(r, choice) is not None, f"the '{choice}' choice drawn")
                self.click(*self.box_of(report, choice))
                self.wait_for(lambda r: r.get("server", {}).get("model") == model, f"the server switched to {model}")
                self.assertEqual(self.report()["server"]["port"], port, "the same port after the switch")
                with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as client:
                    client.settimeout(WAIT_S)
                    client.sendall(b"hello " + model.encode() + b"\n")
                    self.assertEqual(client.recv(100), b"hello " + model.encode() + b"\n")
                    report = self.wait_for(
                        lambda r: any(lane["kind"] == "task" and lane["label"].startswith(lane_prefix) and
                                      lane["label"].endswith("echo") for lane in r["timeline"]["lanes"]),
                        f"a {lane_prefix.strip()} lane for our connection")
                # Once a thread has served, the process's gauges have a lane of their own.
                lanes = [lane["label"] for lane in report["timeline"]["lanes"]]
                self.assertIn("process: threads, memory", lanes)
                self.assertIsNotNone(report["server"]["process_threads"])

    def test_presentation_keys_drive_a_live_lesson(self):
        self.start_app("gui", "--lesson", "hello-loop", "--present")
        report = self.wait_for(lambda r: r.get("lesson", {}).get("holding_for_answers"), "the first question")
        lesson = report["lesson"]
        self.assertEqual(lesson["open_predictions"], [0])
        self.assertEqual(lesson["fired_steps"], [], "asked before the first step runs")
        self.assertTrue(lesson["clients_held"], "the clients wait for the class")

        report = self.press("p")
        self.assertEqual(report["keys_handled"][-1], "reveal")
        self.wait_for(lambda r: 0 in r["lesson"]["fired_steps"], "the step the answer let go")
        # hello-loop asks its second question before step 3 and tells the first answer at step 3.
        report = self.wait_for(lambda r: r["lesson"]["holding_for_answers"] and r["lesson"]["open_predictions"] == [1],
                               "the second question")
        self.assertNotIn(2, report["lesson"]["fired_steps"])
        self.press("p")
        self.wait_for(lambda r: r["lesson"]["pinned_answers"][:1] == [0], "the first answer, revealed")
        # The answer stays while the lesson goes on, until the presenter moves on.
        time.sleep(1.5)
        report = self.report()
        self.assertEqual(report["lesson"]["pinned_answers"][:1], [0], "the revealed answer is held on screen")
        report = self.press("Right")
        self.assertEqual(report["lesson"]["pinned_answers"], [], "Right moves on from the answers")

        for key, speed in (("minus", 0.5), ("minus", 0.25), ("plus", 0.5), ("KP_Add", 1.0), ("KP_Subtract", 0.5)):
            report = self.press(key)
            self.assertAlmostEqual(report["lesson"]["speed"], speed, msg=f"after {key}")

        report = self.press("space")
        self.assertTrue(report["lesson"]["paused"])
        if not report["lesson"]["ended"]:  # an ended lesson lets its clients finish
            self.assertTrue(report["lesson"]["clients_held"], "paused, the clients stand still too")
        report = self.press("space")
        self.assertFalse(report["lesson"]["paused"])

    def test_every_builtin_lesson_plays_live_from_the_keyboard(self):
        """A presenter at 1280x800 plays each lesson with P (reveal) and Space alone, to its end."""
        listing = subprocess.run([BINARY, "lesson", "--list"], capture_output=True, text=True, timeout=WAIT_S,
                                 check=True).stdout
        lessons = [line.split()[0] for line in listing.splitlines() if line.strip()][:20]
        self.assertIn("hello-loop", lessons)
        for lesson in lessons:
            with self.subTest(lesson=lesson):
                self.report_path = os.path.join(self.directory, f"report-{lesson}.json")
                try:
                    self.play_to_the_end(lesson)
                finally:
                    if self.app.poll() is None:
                        self.app.kill()
                    self.app.wait(timeout=10)
                    self.app = None

    def play_to_the_end(self, lesson):
        self.start_app("gui", "--lesson", lesson, "--present")
        deadline = time.monotonic() + 60
        questions = 0
        while time.monotonic() < deadline:
            state = self.report().get("lesson", {})
            if state.get("ended"):
                break
            if state.get("holding_for_answers") and not state.get("paused"):
                self.assertTrue(state["clients_held"], "the clients wait while the class thinks")
                self.press("p")
                questions += 1
            elif state.get("paused"):  # a lesson breakpoint: look, then go on
                self.press("space")
            time.sleep(0.1)
        state = self.report()["lesson"]
        self.assertTrue(state["ended"], f"{lesson} reached its end: {state}")
        self.assertGreaterEqual(questions, 1, "it asked at least one question")

    def box_of(self, report, starts_with):
        """The centre of the drawn text (a button, a picker row) that starts with these words."""
        for text in report.get("layout", {}).get("texts", []):
            if text["text"].startswith(starts_with):
                x0, y0, x1, y1 = text["box"]
                return int((x0 + x1) / 2), int((y0 + y1) / 2)
        return None

    def play_until(self, condition, what):
        """Lets the lesson run (P at each question, Space at a breakpoint) until `condition` holds."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            report = self.report()
            if report and condition(report):
                return report
            state = report.get("lesson", {})
            if state.get("holding_for_answers") and not state.get("paused"):
                self.press("p")
            elif state.get("paused"):
                self.press("space")
            time.sleep(0.1)
        self.fail(f"waited {WAIT_S} s for {what}; last report: {json.dumps(self.report())[:2000]}")

    def test_a_lesson_switch_is_a_clean_start(self):
        """Guards: after blocking-freezes-everyone, drain-backpressure's drain waits were labelled
        `reader.readline() at blocking_sleep.cpp:10` (the old trace's site); every label must be
        the new lesson's own."""
        self.start_app("gui", "--lesson", "blocking-freezes-everyone", "--port", "0")
        self.play_until(lambda r: any("blocking_sleep" in t["text"] for t in r.get("layout", {}).get("texts", [])),
                        "a label at the blocking handler's line")
        report = self.wait_for(lambda r: self.box_of(r, "All lessons"), "the All lessons button")
        self.click(*self.box_of(report, "All lessons"))
        report = self.wait_for(lambda r: self.box_of(r, "4. "), "the picker's fourth lesson")
        self.click(*self.box_of(report, "4. "))
        report = self.wait_for(lambda r: r.get("lesson", {}).get("id") == "drain-backpressure", "the new lesson")
        self.assertEqual([], report["lesson"]["fired_steps"], "it starts from its beginning")
        report = self.play_until(
            lambda r: any(t["text"].startswith("writer.drain()") for t in r.get("layout", {}).get("texts", [])),
            "a drain wait labelled on the new timeline")
        labels = [t["text"] for t in report["layout"]["texts"]]
        self.assertFalse([label for label in labels if "blocking_sleep" in label], labels)
        self.assertFalse([label for label in labels if label.startswith("task") and "blocking_sleep" in label])
        self.assertIn("task 1 · write_with_drain", labels, "task numbers start again with the new session")
        self.assertEqual("", report["status_message"], "no message from the old session is left")

    def test_keys_keep_working_after_r_p_left(self):
        self.start_app("gui", "--lesson", "drain-backpressure", "--present")
        self.wait_for(lambda r: r.get("lesson", {}).get("holding_for_answers"), "the first question")
        report = self.press("r")
        report = self.wait_for(lambda r: r.get("recorded") is True, "the recorded run")
        for key in ("p", "Left", "space"):
            report = self.press(key)
        self.assertEqual(report["keys_handled"][-3:], ["reveal", "previous", "play_pause"])
        paused = report["lesson"]["paused"]
        report = self.press("space")
        self.assertNotEqual(report["lesson"]["paused"], paused, "Space right after Left still toggles")
        report = self.press("Next")  # a clicker's PageDown
        self.assertEqual(report["keys_handled"][-1], "next")
        report = self.press("Prior")  # PageUp
        self.assertEqual(report["keys_handled"][-1], "previous")
        report = self.press("Escape")
        self.assertFalse(report["presenting"])
        report = self.press("F11")
        self.assertTrue(report["presenting"])

    def test_left_and_right_step_a_replay_after_a_click(self):
        trace = self.record_a_plain_trace()
        self.start_app("open", trace)
        # A click on the window's widgets gave ImGui's keyboard navigation the focus before.
        self.click(640, 120)
        self.click(640, 400)
        start_ns = self.report()["replay_time_ns"]
        report = self.press("Right")
        self.assertGreater(report["replay_time_ns"], start_ns, "Right stepped to the next event")
        report = self.press("Right")
        forward_ns = report["replay_time_ns"]
        report = self.press("Left")
        self.assertLess(report["replay_time_ns"], forward_ns, "Left stepped back")
        report = self.press("End")
        self.assertEqual(report["keys_handled"][-1], "go_to_end")
        self.assertGreater(report["replay_time_ns"], forward_ns)
        report = self.press("Home")
        self.assertEqual(report["keys_handled"][-1], "go_to_start")
        self.assertEqual(report["replay_time_ns"], 0)


if __name__ == "__main__":
    unittest.main()
