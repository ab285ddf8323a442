"""Grading a class on many machines: one shard of the submissions each, then one merge.

``nnlessons grade --shard K/N --seed S ... --json part-K.json`` grades the K-th of N
shares of the submissions; ``nnlessons merge part-*.json --out grades.csv`` puts the
parts together. The merged ``grades.csv`` is byte for byte the one a single run over all
the submissions would write, because:

- every shard sees the whole list of submissions (the same command line on every machine),
  so rows get the same names and positions as in one run; a shard grades the positions
  ``K-1, K-1+N, K-1+2N, ...`` of the submissions sorted by path (round robin, so that each
  shard gets a similar mix of lessons);
- every row of a part's JSON report carries its position and its CSV cells as text, made
  by the same function that writes ``grades.csv`` (:func:`nnlessons.grading.report.csv_row`);
- every part records the batch it belongs to (a digest of all submission names, the seed,
  the exercises and the limits): parts of different batches, a missing or a repeated shard
  are refused with a message that says which.

All shards must grade the same hidden cases, so ``--shard`` needs an explicit ``--seed``.

Not part of any lesson; docs/instructors.md gives recipes (Kubernetes, Slurm, GitHub
Actions).

Examples
--------
>>> parse_shard("2/3")
(2, 3)
>>> shard_positions(["c.ipynb", "a.ipynb", "b.ipynb", "d.ipynb"], 1, 2)
[1, 0]
"""

import hashlib
import json
from pathlib import Path

__all__ = ["parse_shard", "shard_positions", "batch_digest", "merge_parts", "MergeError"]


class MergeError(ValueError):
    """Parts that do not make up one batch (a different batch, a missing or repeated shard)."""


def parse_shard(text):
    """``"K/N"`` as ``(K, N)``, with 1 <= K <= N.

    Raises
    ------
    ValueError
        Naming the value and what would be valid.

    Examples
    --------
    >>> parse_shard("0/4")
    Traceback (most recent call last):
    ...
    ValueError: --shard must be K/N with 1 <= K <= N (e.g. 1/4), got '0/4'
    """
    parts = str(text).split("/")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        k, n = (int(p) for p in parts)
        if 1 <= k <= n:
            return k, n
    raise ValueError(f"--shard must be K/N with 1 <= K <= N (e.g. 1/4), got {text!r}")


def shard_positions(paths, k, n):
    """The positions in ``paths`` that shard ``k`` of ``n`` grades (sorted by path)."""
    order = sorted(range(len(paths)), key=lambda i: (str(paths[i]), i))
    return order[k - 1::n]


def batch_digest(labels, settings):
    """A digest naming one batch: every submission's name and the grading settings."""
    data = json.dumps({"labels": list(labels), "settings": settings}, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _load(path):
    try:
        data = json.loads(Path(path).read_text("utf-8"))
        batch = data["batch"]
        rows = data["submissions"]
        total, (k, n) = int(batch["total"]), batch["shard"]
        return data, batch, rows, total, int(k), int(n)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise MergeError(f"{path} is not a part written by nnlessons grade --shard K/N "
                         f"--json ({type(err).__name__}: {err})") from None


def merge_parts(paths):
    """Read the JSON parts of one batch; return ``(columns_order, rows)`` in batch order.

    Raises
    ------
    MergeError
        When the parts are not exactly shards 1..N of one batch.
    """
    if not paths:
        raise MergeError("PART must name at least one JSON part")
    seen, rows, first = {}, [], None
    for path in paths:
        data, batch, part_rows, total, k, n = _load(path)
        if first is None:
            first = (batch["digest"], total, n, data.get("settings", {}).get("order"), path)
        elif (batch["digest"], total, n) != first[:3]:
            raise MergeError(f"{path} belongs to another batch than {first[4]} (other "
                             "submissions, seed, exercises, limits or number of shards)")
        if k in seen:
            raise MergeError(f"shard {k}/{n} is given twice: {seen[k]} and {path}")
        seen[k] = path
        rows.extend(part_rows)
    n = first[2]
    missing = [k for k in range(1, n + 1) if k not in seen]
    if missing:
        raise MergeError(f"missing shard(s) {', '.join(f'{k}/{n}' for k in missing)}: "
                         f"got {', '.join(f'{k}/{n}' for k in sorted(seen))}")
    positions = sorted(r["index"] for r in rows)
    if positions != list(range(first[1])):
        raise MergeError(f"the parts hold {len(rows)} rows for a batch of {first[1]} "
                         "submissions")
    rows.sort(key=lambda r: r["index"])
    return first[3], rows
