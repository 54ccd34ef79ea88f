"""Shared benchmark fixtures."""

import numba
import pytest


@pytest.fixture
def threads(request):
    """Run a benchmark with ``request.param`` Numba threads (parametrize indirectly), then restore."""
    before = numba.get_num_threads()
    numba.set_num_threads(request.param)
    yield request.param
    numba.set_num_threads(before)
