"""The crash soak: many SIGKILL / restart / check runs of the rocksdb engine (--fsync always,
the default), each checked with the history checker (`warren bench check`).

A run is one cycle of test_kill.run_cycles(): three producers (one of them on a delay queue,
some posts in batches), two claimers that delete most of what they claim and leave the rest
under live claims, every request recorded; then a SIGKILL, a restart on the same data directory,
a full read of every queue, and the checker over the whole history so far (lost acknowledged
post, duplicate, resurrected delete, a message under two live claims, phantom, per-producer
order, corrupt body, early delivery of a delayed message). Runs share a data directory and a
history for --segment runs, then start afresh, so a check never reads more than one segment.

Where the kills land (test_kill.py describes each kind): 15 % early in the load, 40 % anywhere
in it, 35 % aimed at a group commit (the commit thread seen in its WAL write or fdatasync), 10 %
also killing the restart during recovery. Each kill records what the commit thread was doing
when the signal was sent (/proc/PID/task/TID/syscall), and each restart counts the posts that
were cut off by the kill (no answer) yet found on disk: both show kills inside group commits.

Usage: soak.py RUNS [--seed S] [--segment N] [--time-limit SECONDS] [--json FILE] [--keep DIR]
Exit status: 0 clean, 1 an anomaly (the failing segment's history and data directory are kept
in --keep, default a new /tmp/warren-soak-failed-* directory), 2 a run could not be done.
"""
import argparse
import collections
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_kill  # noqa: E402  (the kill cycle, its workload and recorder)

KILLS = {"early": 0.15, "load": 0.40, "commit": 0.35, "startup": 0.10}
CLAIMERS = 2


class TimeUp(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", type=int)
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    parser.add_argument("--segment", type=int, default=10, help="runs per data directory")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="start no run after this many seconds (default 8 s per run)")
    parser.add_argument("--json", help="write the totals here")
    parser.add_argument("--keep", help="where a failing segment is kept")
    args = parser.parse_args()
    limit = args.time_limit if args.time_limit is not None else 8.0 * args.runs
    print(f"crash soak: {args.runs} runs, seed {args.seed} (--seed {args.seed} repeats the "
          f"kill moments), {args.segment} runs per data directory, binary "
          f"{test_kill.harness.WARREN_BIN}", flush=True)

    began = time.monotonic()
    rng = random.Random(args.seed)
    totals = collections.Counter()
    states = collections.Counter()
    kinds = collections.Counter()
    aimed = collections.Counter()  # aimed kills: True = landed inside a group commit
    anomalies = collections.Counter()
    summary = collections.Counter()
    starts = []
    done = 0
    stopped = None

    last = {}  # the segment's last checked run: its report covers the whole segment

    def on_cycle(record):
        nonlocal done
        done += 1
        last["record"] = record
        starts.append(record["start_seconds"])
        kinds[record["kind"]] += 1
        states[record["state"] or "unreadable"] += 1
        if record["kind"] == "commit":
            aimed[record["state"] in test_kill.IN_COMMIT] += 1
        totals["kills"] += record["kills"]
        totals["unknown_sends"] += record["unknown_sends"]
        totals["unknown_found"] += record["unknown_found"]
        totals["checks"] += 1
        if record["kind"] == "startup":
            totals["startup_kills_before_listening"] += not record["startup_listening"]
        if done < args.runs and time.monotonic() - began > limit:
            raise TimeUp()

    segment_no = 0
    while done < args.runs and stopped is None:
        cycles = min(args.segment, args.runs - done)
        base = Path(tempfile.mkdtemp(prefix=f"soak-{segment_no}-",
                                     dir=os.environ.get("SOAK_TMP")))
        last.clear()
        try:
            test_kill.run_cycles(base, cycles, rng.randrange(1 << 30), consumers=CLAIMERS,
                                 kills=KILLS, on_cycle=on_cycle)
        except TimeUp:
            stopped = f"time limit ({limit:.0f} s) reached after {done} of {args.runs} runs"
        except AssertionError as failure:
            keep = Path(args.keep or tempfile.mkdtemp(prefix="warren-soak-failed-"))
            shutil.copytree(base, keep / base.name, dirs_exist_ok=True)
            shutil.rmtree(base, ignore_errors=True)
            print(f"\ncrash soak FAILED in run {done + 1} (segment {segment_no}): {failure}\n"
                  f"history and data directory kept in {keep / base.name}", flush=True)
            return 1
        except Exception as failure:  # a server that did not start, a hung loader
            shutil.rmtree(base, ignore_errors=True)
            print(f"\ncrash soak: run {done + 1} could not be done: {failure!r}", flush=True)
            return 2
        if "record" in last:
            report = last["record"]["report"]
            for kind, n in report["anomalies"].items():
                anomalies[kind] += n
            for key, n in report["summary"].items():
                summary[key] += n
            totals["ops"] += last["record"]["ops"]
        shutil.rmtree(base, ignore_errors=True)
        segment_no += 1
        print(f"  {done} runs, {totals['kills']} kills, {totals['ops']} operations, "
              f"{time.monotonic() - began:.0f} s", flush=True)

    elapsed = time.monotonic() - began
    result = {
        "runs": done, "requested": args.runs, "seed": args.seed, "seconds": round(elapsed, 1),
        "kills": totals["kills"], "kill_kinds": dict(kinds),
        "commit_thread_at_kill": dict(states.most_common()),
        "aimed_kills_inside_commit": aimed[True], "aimed_kills_missed": aimed[False],
        "kills_during_recovery_before_listening": totals["startup_kills_before_listening"],
        "operations": totals["ops"], "checks": totals["checks"],
        "cut_off_posts": totals["unknown_sends"], "cut_off_posts_found": totals["unknown_found"],
        "anomalies": dict(anomalies), "summary": dict(summary),
        "restart_seconds": [round(min(starts), 3), round(max(starts), 3)] if starts else None,
        "stopped": stopped,
    }
    in_commit = sum(n for s, n in states.items() if s in test_kill.IN_COMMIT)
    print(f"\ncrash soak: {done} runs, {totals['kills']} kills "
          f"({', '.join(f'{k} {n}' for k, n in kinds.most_common())}; "
          f"{kinds['startup']} restarts also killed during recovery) in {elapsed:.0f} s")
    print(f"  commit thread when SIGKILL was sent: "
          f"{', '.join(f'{s} {n}' for s, n in states.most_common())} "
          f"({in_commit} kills inside a group commit; {aimed[True]} of "
          f"{aimed[True] + aimed[False]} aimed kills hit one)")
    print(f"  operations checked: {totals['ops']} recorded (sends ok {summary['sends_ok']}, "
          f"unknown {summary['sends_unknown']}, failed {summary['sends_failed']}; claims "
          f"{summary['claims']}; deletes ok {summary['deletes_ok']}; final reads "
          f"{summary['finals']}), {totals['checks']} checks (one after every restart)")
    print(f"  posts cut off by a kill: {totals['unknown_sends']}, of which found after the "
          f"restart: {totals['unknown_found']} (durable, unanswered: killed mid-commit)")
    print(f"  lost {anomalies['lost']}, duplicated {anomalies['duplicate']}, double-claimed "
          f"{anomalies['live_claim']}, resurrected {anomalies['resurrected']}, phantom "
          f"{anomalies['phantom']}, order {anomalies['order']}, corrupt {anomalies['corrupt']}, "
          f"early delay {anomalies['early_delay']}")
    if starts:
        print(f"  restarts took {min(starts):.2f}-{max(starts):.2f} s")
    if stopped:
        print(f"  stopped early: {stopped}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0 if sum(anomalies.values()) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
