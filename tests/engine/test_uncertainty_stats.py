"""Our median and percentiles give numpy's floats, bit for bit.

They are written out only so that a CLI run does not import ``numpy.ma`` (which
``np.median`` and ``np.percentile`` do on their first call); the figures of every
estimate go through them, so any difference from numpy would shift published numbers.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ia_empreinte.uncertainty import median, percentiles

FLOATS = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, width=64)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6).flatmap(
    lambda m: st.integers(1, 300).flatmap(
        lambda n: arrays(np.float64, (m, n), elements=FLOATS | st.sampled_from([0.0, 1.0])))))
def test_percentiles_are_numpys(rows: np.ndarray) -> None:
    q = (5, 50, 95)
    ours = percentiles(rows.copy(), q)
    theirs = np.percentile(rows, q, axis=1)
    assert ours.tobytes() == theirs.tobytes()


@settings(max_examples=300, deadline=None)
@given(arrays(np.float64, st.integers(1, 500), elements=FLOATS))
def test_median_is_numpys(values: np.ndarray) -> None:
    assert median(values) == float(np.median(values))


def test_lognormal_draws_of_every_size() -> None:
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 19, 20, 21, 1000, 1001, 100_000):
        rows = rng.lognormal(0.0, 2.0, size=(3, n))
        assert percentiles(rows, (5, 50, 95)).tobytes() == np.percentile(
            rows, (5, 50, 95), axis=1).tobytes()
        assert median(rows[0]) == float(np.median(rows[0]))


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 60), elements=FLOATS | st.just(np.nan)))
def test_nan_anywhere_gives_nan_as_numpy_does(values: np.ndarray) -> None:
    ours = percentiles(values[None, :].copy(), (5, 50, 95))[:, 0]
    assert ours.tobytes() == np.percentile(values, (5, 50, 95)).tobytes()
    assert np.isnan(median(values)) == np.isnan(np.median(values))
    if not np.isnan(median(values)):
        assert median(values) == float(np.median(values))


def test_nan_rows_give_nan() -> None:
    rows = np.array([[1.0, np.nan, 3.0], [1.0, 2.0, 3.0]])
    out = percentiles(rows, (5, 50, 95))
    assert np.isnan(out[:, 0]).all() and out[:, 1].tolist() == [1.1, 2.0, 2.9]
    assert np.isnan(median(rows[0]))


def test_estimate_does_not_import_numpy_ma() -> None:
    """The reason these helpers exist: a CLI estimate stays off numpy.ma."""
    code = (
        "import sys\n"
        "from ia_empreinte import estimate, load_offer, load_profile\n"
        "estimate(load_profile('profiles/chatbot-web-metropole.yaml'),\n"
        "         load_offer('examples/offers/open-mid-cloud-fr.yaml'))\n"
        "print('numpy.ma' in sys.modules)\n"
    )
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"
