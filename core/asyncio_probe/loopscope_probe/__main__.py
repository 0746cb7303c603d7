"""python3 -m loopscope_probe --wire-fd N [options] server.py [args...]

Runs the program as `python3 server.py args...` would (as __main__, with its own sys.argv and
its folder first on sys.path), with the probe installed first, and ends the wire stream with
the program's exit status.
"""

import os
import runpy
import sys
import traceback

from . import probe as probe_module
from . import settings as settings_module


def main(argv=None):
    settings = settings_module.parse(sys.argv[1:] if argv is None else argv)
    if not os.path.isfile(settings.script):
        print(f"loopscope_probe: no such file: {settings.script}", file=sys.stderr)
        return 2
    probe = probe_module.Probe(settings)
    probe.start()
    sys.argv = [settings.script] + list(settings.script_args)
    sys.path[0] = os.path.dirname(os.path.abspath(settings.script))
    status = 0
    try:
        runpy.run_path(settings.script, run_name="__main__")
    except SystemExit as exit_request:
        code = exit_request.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
        if not isinstance(code, int) and code is not None:
            print(code, file=sys.stderr)
    except KeyboardInterrupt:
        status = 130  # what a shell reports for a program stopped by Ctrl-C
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        probe.finish(status)
    return status


if __name__ == "__main__":
    sys.exit(main())
