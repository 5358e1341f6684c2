namespace L402Train.Grains.Retention;

/// <summary>How long finished work is kept before the retention job deletes it, and how often that job runs.</summary>
public sealed record RetentionOptions
{
    /// <summary>The default retention: 30 days.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    /// <summary>
    /// Completed jobs and expired unfunded bounties older than this are deleted. A completed job's unique
    /// key stops guarding against a second run once it is gone, so this must stay far above any window in
    /// which the same job could be asked for again (invoice and HTLC lifetimes: hours); at least one day.
    /// </summary>
    public TimeSpan Retention { get; init; } = DefaultRetention;

    /// <summary>How often the retention job runs (default hourly).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement, so one run never holds a long transaction.</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>Throws when a value is out of range.</summary>
    public RetentionOptions Validate()
    {
        if (Retention < TimeSpan.FromDays(1)) throw new ArgumentOutOfRangeException(nameof(Retention), Retention, "must be at least one day");
        if (Interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "must be positive");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be positive");
        return this;
    }
}
