using L402Train.Grains.Retention;

namespace L402Train.Silo.Hosting;

/// <summary>Composes the retention job: settlers run it, every silo makes sure the current slot's run exists.</summary>
internal static class RetentionComposition
{
    /// <summary>Reads <c>--retention-days</c> (default 30, at least 1); a wrong one stops start-up naming it.</summary>
    public static RetentionOptions Parse(string? days)
    {
        if (days is not { Length: > 0 }) return new RetentionOptions();
        if (!int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value is < 1 or > 36_500)
            throw new SiloSettingException("retention-days", $"'{days}' is not a whole number of days from 1 to 36500");
        return new RetentionOptions { Retention = TimeSpan.FromDays(value) };
    }

    /// <summary>Registers the retention job (<see cref="RetentionServices.AddRetention"/>) and the start-up that schedules it.</summary>
    public static WebApplicationBuilder AddRetention(this WebApplicationBuilder builder, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddRetention(options);
        builder.Services.AddHostedService<RetentionBootstrap>();
        return builder;
    }

    // Restarts the chain if a run was lost (it died, or the silo never ran one): at most one run per slot whatever happens.
    private sealed class RetentionBootstrap(Runtime.JobQueue jobs, RetentionOptions options, TimeProvider time) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            jobs.EnqueueAsync(RetentionJob.At(time.GetUtcNow(), options.Interval), cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
