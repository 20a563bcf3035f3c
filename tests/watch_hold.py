"""`python tests/watch_hold.py POINT N ARGS…`: run `newsarchive ARGS…`, and the N-th time the
watch run reaches POINT (newsarchive.watch.deliver._reached: "recorded" — a watch's articles are
recorded, not yet shown or sent; "sent" — a channel's receiver took a delivery, not yet marked
sent), print "HOLD POINT" on stderr and wait there, so that a test can kill this real process at
that very moment with SIGKILL."""

import sys
import time

from newsarchive.watch import deliver

point, nth, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
reached = 0


def hold(name: str) -> None:
    global reached
    if name != point:
        return
    reached += 1
    if reached == nth:
        sys.stdout.flush()
        print(f"HOLD {name}", file=sys.stderr, flush=True)
        time.sleep(600)


deliver._reached = hold

from newsarchive.cli import cli  # noqa: E402

cli.main(args, prog_name="newsarchive")
