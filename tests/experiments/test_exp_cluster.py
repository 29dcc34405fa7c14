"""A real Dask cluster (LocalCluster, 2 worker processes, loopback only) gives the local numbers."""

import pandas as pd
import pytest

from experiments import compare, load_spec, run_sweep


def deterministic(df):
    return df.drop(columns=["seconds", "session"]).sort_values("run_id").reset_index(drop=True)


@pytest.mark.cluster
@pytest.mark.slow
def test_dask_localcluster_sweep_and_compare_equal_the_local_executor(tmp_path):
    from dask.distributed import Client, LocalCluster

    spec = load_spec({"name": "dask_tiny", "base": "platform_with_support", "method": "morris", "samples": 2,
                      "replicates": 2, "seed": 8, "citizens": 200, "weeks": 4, "set": {"run.burn_in": 3},
                      "outputs": ["lonely_share", "belonging_change"],
                      "parameters": {"support.workers": {"bounds": [0, 60]},
                                     "support.targeting": {"levels": ["first_come", "needs_based"]},
                                     "effects.support_effect": {"bounds": [0.5, 1.5]}}})
    local = run_sweep(spec, out=tmp_path / "local", executor="serial")
    cmp_local = compare(["baseline", "platform_with_support"], replicates=2, citizens=200, weeks=4,
                        overrides={"run.burn_in": 3}, executor="serial")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        assert len(client.nthreads()) == 2
        remote = run_sweep(spec, out=tmp_path / "dask", executor=client)
        # by address, as `belonging sweep --scheduler tcp://...` does
        cmp_remote = compare(["baseline", "platform_with_support"], replicates=2, citizens=200, weeks=4,
                             overrides={"run.burn_in": 3}, executor=cluster.scheduler_address)
        workers_used = {s["executor"] for s in remote.manifest["sessions"]}
    assert any("Dask scheduler tcp://127.0.0.1" in w for w in workers_used)
    assert len(remote.results) == len(local.results) == 2 * 4 * 2
    pd.testing.assert_frame_equal(deterministic(remote.results), deterministic(local.results))
    pd.testing.assert_frame_equal(remote.indices, local.indices)
    pd.testing.assert_frame_equal(cmp_remote.to_frame(), cmp_local.to_frame())
