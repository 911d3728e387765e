namespace CoSched.Bench;

/// <summary>What the quick table measured for one row: the row's index in the catalog, the median and mean ns per
/// operation, the bytes allocated per operation, how many runs the figures come from, and the 10th-percentile run
/// (outside load on a shared machine only adds time, so the fast runs are the ones comparisons between rows of a
/// group hold still on).</summary>
public readonly record struct RowResult(int Index, double MedianNs, double MeanNs, double BytesPerOp, long Runs, double P10Ns);
