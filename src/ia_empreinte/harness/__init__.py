"""The benchmark harness: meters, targets, workloads, protocol, signing, exports.

The optional measuring side (extra ``harness``): nothing here is imported by ``import
ia_empreinte``. CodeCarbon, the extra's one dependency, is imported only when a
:class:`~ia_empreinte.harness.meters.CodeCarbonMeter` measures, so that ``bench keygen``,
``bench export`` and ``bench verify`` work without it.
"""

from __future__ import annotations

from ia_empreinte.harness.protocol import Progress
from ia_empreinte.harness.runner import bench_export, bench_keygen, bench_run

__all__ = ["Progress", "bench_export", "bench_keygen", "bench_run"]
