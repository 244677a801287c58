"""Shared numba decorator for the compiled model kernel.

``cache=True`` stores compiled machine code beside the module, or, when the
install is read-only, in numba's user-wide cache directory (``NUMBA_CACHE_DIR``
overrides both), so the one-off compilation is paid once per machine.
"""

from __future__ import annotations

from numba import njit

jit = njit(cache=True, fastmath=False, nogil=True)
