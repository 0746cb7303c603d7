"""The folders inside viz/ depend one way, lowest first, as docs/architecture.md draws them.

CMake keeps core, scenarios and viz apart (one target each); inside the app's one library only
this test does: a panel including viz/app/ (where the frame is put together) or the timeline
including the session's state would compile, and the next change would tangle them further.
"""

import pathlib
import re
import unittest

VIZ = pathlib.Path(__file__).resolve().parents[2] / "viz"

# Lowest first: a folder may include itself and any folder before it, never one after.
ORDER = ["theme", "layout", "code", "timeline", "input", "session", "replay", "compare", "panels", "app"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"viz/([a-z_]+)/', re.MULTILINE)


class FolderOrderTest(unittest.TestCase):
    def test_every_viz_folder_is_ranked(self):
        folders = sorted(p.name for p in VIZ.iterdir() if p.is_dir())
        self.assertEqual(sorted(ORDER), folders, "a new viz folder needs its place in ORDER and the docs")

    def test_no_folder_includes_a_higher_one(self):
        wrong = []
        for source in sorted(VIZ.rglob("*.[ch]pp")):
            folder = source.relative_to(VIZ).parts[0]
            rank = ORDER.index(folder)
            for included in INCLUDE.findall(source.read_text(encoding="utf-8")):
                if ORDER.index(included) > rank:
                    wrong.append(f"{source.relative_to(VIZ.parent)} includes viz/{included}/")
        self.assertEqual([], wrong)


if __name__ == "__main__":
    unittest.main()
