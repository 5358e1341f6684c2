using System.Reflection;
using L402Train.Gateway.Apis;
using L402Train.Protocol.Status;
using L402Train.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using MembershipStatus = Orleans.Runtime.SiloStatus;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>/health is ready only while this silo is Active in the cluster's membership.</summary>
public sealed class HealthMembershipTests
{
    [Theory]
    [InlineData(MembershipStatus.Joining)]
    [InlineData(MembershipStatus.ShuttingDown)]
    [InlineData(MembershipStatus.Dead)]
    public async Task Health_is_unavailable_while_the_silo_is_not_active(MembershipStatus status)
    {
        await using var store = new MemoryGrainStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);

        var result = await StatusApi.GetHealthAsync(store, Membership.In(status), TestContext.Current.CancellationToken);

        var unavailable = Assert.IsType<JsonHttpResult<HealthStatus>>(result.Result);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, unavailable.StatusCode);
        Assert.Contains($"is {status} in the cluster", unavailable.Value!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_ready_when_the_silo_is_active_and_the_store_is_migrated()
    {
        await using var store = new MemoryGrainStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);

        var result = await StatusApi.GetHealthAsync(store, Membership.In(MembershipStatus.Active), TestContext.Current.CancellationToken);

        Assert.Equal("ready", Assert.IsType<Ok<HealthStatus>>(result.Result).Value!.Status);
    }

    /// <summary>A membership oracle that only knows this silo's status and name.</summary>
    public class Membership : DispatchProxy
    {
        private MembershipStatus status;

        public static ISiloStatusOracle In(MembershipStatus status)
        {
            var oracle = Create<ISiloStatusOracle, Membership>();
            ((Membership)(object)oracle).status = status;
            return oracle;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_CurrentStatus" => status,
            "get_SiloName" => "silo-under-test",
            _ => throw new NotSupportedException($"{targetMethod?.Name} is not part of what /health reads."),
        };
    }
}
