namespace CoSched.Bench;

/// <summary>What the quick table measured for one row: the row's index in the catalog, the median and mean ns per
/// operation, the bytes allocated per operation and how many runs the figures come from.</summary>
public readonly record struct RowResult(int Index, double MedianNs, double MeanNs, double BytesPerOp, long Runs);
