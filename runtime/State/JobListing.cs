namespace L402Train.Runtime;

/// <summary>Bounds of <see cref="IGrainStore.ListJobsAsync"/>, the same for every store.</summary>
internal static class JobListing
{
    /// <summary>The most jobs one call returns: a listing is paged, never a whole table in memory.</summary>
    public const int MaxLimit = 10_000;

    internal static void Validate(string type, int limit)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
    }
}
