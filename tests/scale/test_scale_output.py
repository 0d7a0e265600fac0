

def test_csv_results_read_back_as_the_parquet_ones(tmp_path):
    """The CSV beside a sweep's Parquet reads back through the project's CSV reader with the same numbers."""
    import pandas as pd

    from rehabresearch.sweeps import output

    frame = pd.DataFrame({"policy": ["flat monthly", "tiered"], "seed": [1, 2], "hours": [1.5, 2.25]})
    parquet, csv = output.write(frame, tmp_path / "r.parquet", tmp_path / "r.csv")
    back = output.read(csv)
    pd.testing.assert_frame_equal(back, output.read(parquet), check_dtype=False)
    assert back["policy"].tolist() == ["flat monthly", "tiered"]
