"""Small Dask clusters for the scale-out tests: process workers, one thread each, no dashboard."""

from __future__ import annotations

import pytest

distributed = pytest.importorskip("distributed")


def _cluster(n: int):
    cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    return cluster, client


@pytest.fixture(scope="module")
def client1():
    cluster, client = _cluster(1)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def client2():
    cluster, client = _cluster(2)
    yield client
    client.close()
    cluster.close()


def pytest_configure(config):
    # Several clusters at once each want the scheduler's HTTP port; Dask moves to a free one and says so.
    config.addinivalue_line("filterwarnings", "ignore:Port 8787 is already in use:UserWarning")
