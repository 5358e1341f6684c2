using System.Net;
using L402Train.Silo.Commands;
using L402Train.Silo.Hosting;

namespace L402Train.Silo.Tests.Hosting;

/// <summary>
/// <c>--kubernetes</c>: Orleans' Kubernetes hosting on the PostgreSQL membership. No cluster runs here,
/// so these check the setting's logic and that the silo builder gets Orleans' Kubernetes services.
/// </summary>
public sealed class KubernetesHostingTests : IDisposable
{
    private const string Postgres = "postgres:Host=127.0.0.1;Port=1;Username=x;Password=y";

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("l402-k8s-");

    public void Dispose() => dir.Delete(recursive: true);

    private static Dictionary<string, string?> Pod(string name = "l402train-gateway-7d9f-abcde") => new()
    {
        ["L402TRAIN_KUBERNETES"] = "true",
        ["L402TRAIN_STORE"] = Postgres,
        ["POD_NAME"] = name,
        ["POD_NAMESPACE"] = "l402",
        ["POD_IP"] = "10.42.0.17",
    };

    private SiloSettings Load(Dictionary<string, string?> environment, Dictionary<string, string?>? commandLine = null) =>
        SiloSettings.Load(commandLine ?? [], environment, dir.FullName);

    private async Task<(int Code, string Error)> ServeAsync(string[] args, Dictionary<string, string?> environment)
    {
        var error = new StringWriter();
        var code = await new SiloCommandLine(environment, dir.FullName).InvokeAsync(args, new StringWriter(), error, TestContext.Current.CancellationToken);
        return (code, error.ToString());
    }

    [Fact]
    public void In_a_pod_the_silo_is_named_after_it_and_publishes_the_pod_address()
    {
        var settings = Load(Pod());

        Assert.Equal(new KubernetesPod("l402train-gateway-7d9f-abcde", "l402", IPAddress.Parse("10.42.0.17")), settings.Kubernetes);
        Assert.Equal("l402train-gateway-7d9f-abcde", settings.SiloId);
        Assert.Equal(IPAddress.Parse("10.42.0.17"), settings.AdvertisedAddress);
    }

    [Fact]
    public void Off_by_default_even_inside_a_pod()
    {
        var environment = Pod();
        environment.Remove("L402TRAIN_KUBERNETES");

        var settings = Load(environment);

        Assert.Null(settings.Kubernetes);
        Assert.Null(settings.AdvertisedAddress);
    }

    [Fact]
    public void An_explicit_advertise_ip_wins_over_the_pod_address()
    {
        var settings = Load(Pod(), new() { ["AdvertiseIp"] = "10.0.0.5" });

        Assert.Equal(IPAddress.Parse("10.0.0.5"), settings.AdvertisedAddress);
    }

    [Theory]
    [InlineData("memory", "not on a memory store")]
    [InlineData("sqlite:x.db", "not on a sqlite store")]
    public async Task Without_a_postgres_store_it_is_one_error_line_and_exit_2(string store, string problem)
    {
        var (code, error) = await ServeAsync(["serve", "--kubernetes", "--store", store], Pod());

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --kubernetes (or L402TRAIN_KUBERNETES, ", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
        Assert.Contains("--store postgres:", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "POD_IP" }, "POD_IP is not set")]
    [InlineData(new[] { "POD_NAME", "POD_NAMESPACE" }, "POD_NAME, POD_NAMESPACE are not set")]
    [InlineData(new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP" }, "POD_NAME, POD_NAMESPACE, POD_IP are not set")]
    public async Task Without_the_downward_api_variables_it_names_the_missing_ones(string[] missing, string problem)
    {
        var environment = Pod();
        foreach (var name in missing) environment[name] = missing.Length == 1 ? " " : null;

        var (code, error) = await ServeAsync(["serve"], environment);

        Assert.Equal(SiloCommandLine.SettingError, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --kubernetes ", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
        Assert.Contains("fieldRef metadata.name, metadata.namespace, status.podIP", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=y", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("L402TRAIN_KUBERNETES", "yes", "'yes' is not true or false")]
    [InlineData("POD_IP", "pod-ip", "POD_IP 'pod-ip' is not an IP address")]
    [InlineData("L402TRAIN_SILOID", "silo-a", "the silo id 'silo-a' (L402TRAIN_SILOID) is not the pod's name 'l402train-gateway-7d9f-abcde'")]
    public void A_wrong_value_stops_start_up_naming_it(string variable, string value, string problem)
    {
        var environment = Pod();
        environment[variable] = value;

        var error = Assert.Throws<SiloSettingException>(() => Load(environment));

        Assert.Equal("kubernetes", error.Setting);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silo_id_equal_to_the_pod_name_is_accepted()
    {
        var environment = Pod();
        environment["L402TRAIN_SILOID"] = environment["POD_NAME"];

        Assert.Equal(environment["POD_NAME"], Load(environment).SiloId);
    }

    [Fact]
    public void The_silo_builder_gets_orleans_kubernetes_hosting_only_when_asked()
    {
        // Orleans registers its generated code of every referenced assembly; the hosting is its options' configuration.
        static bool HasKubernetesHosting(SiloSettings settings) => SiloHost.CreateBuilder(settings).Services
            .Any(d => d.ServiceType == typeof(Microsoft.Extensions.Options.IConfigureOptions<Orleans.Hosting.Kubernetes.KubernetesHostingOptions>));
        var off = Pod();
        off.Remove("L402TRAIN_KUBERNETES");

        Assert.True(HasKubernetesHosting(Load(Pod())));
        Assert.False(HasKubernetesHosting(Load(off)));
    }
}
