"""Interleaved timing with a quiet-rounds summary, for the benchmarks.

Each contender is a callable `run(clock)` returning the seconds of one
measurement; `interleaved` runs them in turn, round by round, so a slow
spell of a loaded machine hits them all, and keeps each one's quiet rounds.
Imports no Sonnet, so that a script running under another Sonnet (see
`sonnet2_rows.py`) can share it.

>>> times = interleaved({"a": repeated(lambda: None, 10)}, rounds=3)
>>> sorted(times)
['a']
"""

import statistics
import time


def quiet(samples):
  """The median of the fastest half of `samples`."""
  samples = sorted(samples)
  return statistics.median(samples[:max(1, len(samples) // 2)])


def interleaved(contenders, rounds, clock=time.process_time):
  """Times each contender once per round, in turn; returns quiet times.

  Args:
    contenders: a dict from label to a callable `run(clock)` that returns
      the seconds one measurement took by `clock` (see `timed`, `repeated`).
    rounds: how many rounds.
    clock: the clock the contenders are timed with.

  Returns:
    A dict from label to quiet seconds.
  """
  times = {label: [] for label in contenders}
  for _ in range(rounds):
    for label, run in contenders.items():
      times[label].append(run(clock))
  return {label: quiet(samples) for label, samples in times.items()}


def timed(prepare, act):
  """A contender: `prepare()` untimed, then `act(prepared)` timed."""

  def run(clock):
    prepared = prepare()
    start = clock()
    act(prepared)
    return clock() - start

  return run


def repeated(fn, number):
  """A contender: `fn()` called `number` times, timed per call."""

  def run(clock):
    start = clock()
    for _ in range(number):
      fn()
    return (clock() - start) / number

  return run
