using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using L402Train.Silo.Hosting;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>
/// The chart's optional paid worker (docs/workers.md), checked as <see cref="HelmChartTests"/> checks the other roles
/// (no Helm here): its Deployment runs <c>silo serve --roles worker</c> with the worker settings from
/// <c>worker.*</c>, in a form the silo accepts, with the shared probes and secrets; buyers reach it through its own
/// Service and optional Ingress host; its public URL and index default as documented.
/// </summary>
public sealed partial class HelmWorkerTests
{
    // The worker settings the Deployment passes, and the value each reads.
    private static readonly Dictionary<string, string> WorkerEnvironment = new()
    {
        ["L402TRAIN_WORKERPRICESATS"] = "$root.Values.worker.priceSats | quote",
        ["L402TRAIN_WORKERMAXSTEPS"] = "$root.Values.worker.maxSteps | quote",
        ["L402TRAIN_WORKERDEADLINES"] = "$root.Values.worker.deadlineSeconds | quote",
        ["L402TRAIN_WORKERPUBLICURL"] = "include \"l402train.workerPublicUrl\" $root | quote",
        ["L402TRAIN_WORKERINDEXURL"] = "include \"l402train.workerIndexUrl\" $root | quote",
        ["L402TRAIN_WORKERARCHIVES"] = "ternary \"on\" \"off\" $root.Values.worker.archives | quote",
    };

    private static JsonNode Values() => YamlJson.Load(DeployFiles.ReadChart("values.yaml"));

    [Fact]
    public void The_worker_is_optional_and_off_by_default()
    {
        var worker = Values()["worker"]!;

        Assert.False((bool)worker["enabled"]!);
        Assert.Equal("""{{- include "l402train.deployment" (dict "root" . "role" "worker") }}""", DeployFiles.ReadChart("templates", "deployment-worker.yaml").Trim());
        Assert.StartsWith("{{- if .Values.worker.enabled }}", DeployFiles.ReadChart("templates", "service-worker.yaml"), StringComparison.Ordinal);
        Assert.StartsWith("{{- if and .Values.worker.enabled .Values.worker.ingress.enabled }}", DeployFiles.ReadChart("templates", "ingress-worker.yaml"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_worker_deployment_runs_the_worker_role_with_its_settings_and_the_probes()
    {
        var template = DeployFiles.ReadChart("templates", "_deployment.tpl");
        var pod = YamlJson.Load(HelmTemplateText.StripDirectives(template))["spec"]!["template"]!;
        var silo = pod["spec"]!["containers"]!.AsArray().Single(c => (string)c!["name"]! == "silo")!;
        var env = silo["env"]!.AsArray().Select(e => (string)e!["name"]!).ToList();

        // The role goes into --roles, and the silo takes that command line.
        Assert.Contains("{{ $role | quote }}", template, StringComparison.Ordinal);
        Assert.Empty(SiloCommandLineFacts.Errors("serve", "--kubernetes", "--roles", "worker"));
        Assert.Equal("/alive", (string)silo["livenessProbe"]!["httpGet"]!["path"]!);
        Assert.Equal("/alive", (string)silo["startupProbe"]!["httpGet"]!["path"]!);
        Assert.Equal("/health", (string)silo["readinessProbe"]!["httpGet"]!["path"]!);
        // The worker's node credentials come from the Secret as every role's do (the init container's 0600 copies).
        Assert.Contains("L402TRAIN_LNDMACAROON", env);
        Assert.Contains("L402TRAIN_SECRETFILE", env);

        // Each worker setting is passed from its value, only to the worker role, as a variable the silo reads.
        var block = WorkerBlock().Match(template);
        Assert.True(block.Success, "no {{- if eq $role \"worker\" }} block in _deployment.tpl");
        foreach (var (name, expression) in WorkerEnvironment)
        {
            Assert.Contains(name, env);
            Assert.Contains(name, SiloCommandLineFacts.EnvironmentVariables());
            Assert.Contains($"- name: {name}\n              value: {{{{ {expression} }}}}", block.Value, StringComparison.Ordinal);
            Assert.Single(Regex.Matches(template, $"name: {name}\\b"));
        }
    }

    [Fact]
    public void The_worker_values_are_settings_the_silo_accepts()
    {
        var worker = Values()["worker"]!;
        // What the Deployment hands the silo with the default values, an Ingress host and the release's gateway.
        var environment = new Dictionary<string, string?>
        {
            ["L402TRAIN_ROLES"] = "worker",
            ["L402TRAIN_WORKERPRICESATS"] = worker["priceSats"]!.ToString(),
            ["L402TRAIN_WORKERMAXSTEPS"] = worker["maxSteps"]!.ToString(),
            ["L402TRAIN_WORKERDEADLINES"] = worker["deadlineSeconds"]!.ToString(),
            ["L402TRAIN_WORKERPUBLICURL"] = $"http://{worker["ingress"]!["host"]}/",
            ["L402TRAIN_WORKERINDEXURL"] = "http://l402-l402train.l402.svc:8402/",
            ["L402TRAIN_WORKERARCHIVES"] = (bool)worker["archives"]! ? "on" : "off",
        };

        var settings = SiloSettings.Load(new Dictionary<string, string?>(), environment, Path.GetTempPath());

        Assert.Equal(["worker"], settings.Roles);
        Assert.Equal((long)worker["priceSats"]!, settings.Workers.PriceSat);
        Assert.Equal((long)worker["maxSteps"]!, settings.Workers.MaxTrainerSteps);
        Assert.Equal(TimeSpan.FromSeconds((long)worker["deadlineSeconds"]!), settings.Workers.RunDeadline);
        Assert.Equal(new Uri("http://worker.l402train.local/"), settings.Workers.PublicUrl);
        Assert.Equal(new Uri("http://l402-l402train.l402.svc:8402/"), settings.Workers.IndexUrl);
        Assert.True(settings.Workers.ArchivesOffered);
    }

    [Fact]
    public void Buyers_reach_the_worker_through_its_own_service_and_optional_ingress_host()
    {
        var service = YamlJson.Load(HelmTemplateText.StripDirectives(DeployFiles.ReadChart("templates", "service-worker.yaml")));
        var ingressText = DeployFiles.ReadChart("templates", "ingress-worker.yaml");
        var ingress = YamlJson.Load(HelmTemplateText.StripDirectives(ingressText));

        Assert.Equal("Service", (string)service["kind"]!);
        Assert.Equal("worker", (string)service["spec"]!["selector"]!["app.kubernetes.io/component"]!);
        Assert.Equal("http", (string)service["spec"]!["ports"]![0]!["targetPort"]!);
        Assert.Contains("{{ include \"l402train.workerName\" . }}", DeployFiles.ReadChart("templates", "service-worker.yaml"), StringComparison.Ordinal);
        Assert.Equal("Ingress", (string)ingress["kind"]!);
        var path = ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!;
        Assert.Equal("/", (string)path["path"]!);
        Assert.Equal("http", (string)path["backend"]!["service"]!["port"]!["name"]!);
        Assert.Contains("host: {{ .Values.worker.ingress.host | quote }}", ingressText, StringComparison.Ordinal);
        Assert.Contains("name: {{ include \"l402train.workerName\" . }}", ingressText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_public_url_defaults_to_the_ingress_host_the_index_to_the_gateway_and_neither_missing_renders()
    {
        var helpers = DeployFiles.ReadChart("templates", "_helpers.tpl");

        Assert.Contains("""{{- printf "%s://%s/" (ternary "https" "http" (gt (len .Values.worker.ingress.tls) 0)) .Values.worker.ingress.host }}""", helpers, StringComparison.Ordinal);
        Assert.Contains("""{{- printf "http://%s.%s.svc:%v/" (include "l402train.fullname" .) .Release.Namespace .Values.service.port }}""", helpers, StringComparison.Ordinal);
        Assert.Contains("""{{- fail "worker.publicUrl: """, helpers, StringComparison.Ordinal);
        Assert.Contains("""{{- fail "worker.ingress.host: """, helpers, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{\{- if eq \$role ""worker"" \}\}.*?\{\{- end \}\}", RegexOptions.Singleline)]
    private static partial Regex WorkerBlock();
}
