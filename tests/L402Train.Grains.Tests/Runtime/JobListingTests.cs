using L402Train.Runtime;

namespace L402Train.Grains.Tests.Runtime;

public sealed class JobListingTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static JobClaim Claim(string type, int max) => new("worker-1", [type], max, Now, Now.AddSeconds(30));

    // Six "fee" jobs and two "other" jobs; of the fees: two completed, one dead, one running, two still available.
    private static async Task<IReadOnlyList<long>> SeedAsync(IGrainStore store)
    {
        for (var i = 0; i < 6; i++)
        {
            await store.EnqueueAsync(JobRequest.Create("fee", $"f{i}", i, runAt: Now.AddMinutes(i < 4 ? 0 : 10)), Now);
            if (i < 2) await store.EnqueueAsync(JobRequest.Create("other", $"o{i}", i), Now);
        }
        // Claims may come back in any order (RETURNING has none): by id, f0 to f3.
        var claimed = (await store.ClaimJobsAsync(Claim("fee", 4))).OrderBy(c => c.Id).ToList();
        Assert.Equal(4, claimed.Count);
        Assert.Equal(2, (await store.CompleteJobsAsync([claimed[0].Id, claimed[1].Id], "worker-1", Now)).Count);
        Assert.True(await store.FailJobAsync(claimed[2].Id, "worker-1", "out of attempts", retryAt: null, Now));
        return [.. claimed.Select(c => c.Id)];
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Lists_the_jobs_of_one_type_in_one_state_in_id_order(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        var claimed = await SeedAsync(store);

        var available = await store.ListJobsAsync("fee", JobState.Available, afterId: 0, limit: 100);
        var running = await store.ListJobsAsync("fee", JobState.Running, afterId: 0, limit: 100);
        var completed = await store.ListJobsAsync("fee", JobState.Completed, afterId: 0, limit: 100);
        var dead = await store.ListJobsAsync("fee", JobState.Dead, afterId: 0, limit: 100);

        Assert.Equal(["f4", "f5"], available.Select(j => j.UniqueKey));
        Assert.All(available, j => Assert.Equal((JobState.Available, 0, Now.AddMinutes(10)), (j.State, j.Attempt, j.RunAt)));
        var held = Assert.Single(running);
        Assert.Equal((claimed[3], JobState.Running, "worker-1", 1), (held.Id, held.State, held.LockedBy, held.Attempt));
        Assert.Equal([claimed[0], claimed[1]], completed.Select(j => j.Id));
        Assert.Equal("out of attempts", Assert.Single(dead).LastError);
        Assert.Equal(["o0", "o1"], (await store.ListJobsAsync("other", JobState.Available, 0, 100)).Select(j => j.UniqueKey));
        Assert.Empty(await store.ListJobsAsync("nothing", JobState.Available, 0, 100));
        Assert.Contains("4", available[0].PayloadJson, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task Pages_by_the_last_id_and_never_returns_more_than_the_limit(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        for (var i = 0; i < 7; i++) await store.EnqueueAsync(JobRequest.Create("fee", $"f{i}", i), Now);

        var pages = new List<IReadOnlyList<JobRecord>>();
        for (var after = 0L; ;)
        {
            var page = await store.ListJobsAsync("fee", JobState.Available, after, limit: 3);
            if (page.Count == 0) break;
            pages.Add(page);
            after = page[^1].Id;
        }

        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        var ids = pages.SelectMany(p => p.Select(j => j.Id)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(7, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"f{i}"), pages.SelectMany(p => p.Select(j => j.UniqueKey)));
    }

    [Theory]
    [MemberData(nameof(StoreKinds.All), MemberType = typeof(StoreKinds))]
    public async Task A_limit_outside_one_to_the_maximum_is_refused_and_listing_changes_nothing(string kind)
    {
        await using var scratch = await StoreKinds.CreateAsync(kind);
        var store = scratch.Store;
        await store.EnqueueAsync(JobRequest.Create("fee", "f0", 0), Now);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListJobsAsync("fee", JobState.Available, 0, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListJobsAsync("fee", JobState.Available, 0, JobListing.MaxLimit + 1));
        Assert.Single(await store.ListJobsAsync("fee", JobState.Available, 0, JobListing.MaxLimit));

        // Listing claims nothing: the job is still there for a worker.
        var claimed = Assert.Single(await store.ClaimJobsAsync(Claim("fee", 10)));
        Assert.Equal(("f0", 1), (claimed.UniqueKey, claimed.Attempt));
    }
}
