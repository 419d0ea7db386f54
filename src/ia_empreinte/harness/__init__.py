"""The benchmark harness: meters, targets, workloads, protocol, signing, exports.

Nothing here is imported by ``import ia_empreinte``; CodeCarbon is imported only when a
:class:`~ia_empreinte.harness.meters.CodeCarbonMeter` measures.
"""

from __future__ import annotations

__all__: list[str] = []
