using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>
/// What can be checked of helm/l402train without Helm or a cluster: values against the schema, values the
/// templates read against values.yaml and the README, each template's YAML, and what the Deployments and
/// the Role say against the silo's command line and Orleans' Kubernetes hosting.
/// </summary>
public sealed class HelmChartTests
{
    private static readonly string[] Roles = ["gateway", "validator", "settler", "worker"];

    // Maps whose keys are Kubernetes' own (resources, security contexts, selectors): documented as a whole.
    private static readonly HashSet<string> FreeFormMaps = ["resources", "podSecurityContext", "containerSecurityContext", "annotations", "podAnnotations", "podLabels", "nodeSelector", "affinity"];

    private static JsonNode Values() => YamlJson.Load(DeployFiles.ReadChart("values.yaml"));

    private static JsonSchema Schema() => JsonSchema.FromText(DeployFiles.ReadChart("values.schema.json"));

    private static EvaluationResults Validate(JsonNode values) =>
        Schema().Evaluate(JsonSerializer.SerializeToElement(values), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Errors(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    [Fact]
    public void Values_yaml_validates_against_the_schema()
    {
        var results = Validate(Values());

        Assert.True(results.IsValid, Errors(results));
    }

    [Theory]
    [InlineData("cluster.clusterId", "\"two words\"")]
    [InlineData("cluster.siloPort", "70000")]
    [InlineData("image.pullPolicy", "\"Sometimes\"")]
    [InlineData("validator.replicaCount", "-1")]
    [InlineData("lightning.restUrl", "\"lnd:8080\"")]
    [InlineData("secrets.serverSecret", "\"1:abcd\"")]
    [InlineData("persistence.accessModes", "[\"ReadWriteSometimes\"]")]
    [InlineData("gateway.pdb.maxUnavailable", "\"half\"")]
    [InlineData("replicas", "3")]
    [InlineData("settler.replicas", "3")]
    [InlineData("worker.priceSats", "0")]
    [InlineData("worker.maxSteps", "0")]
    [InlineData("worker.deadlineSeconds", "30")]
    [InlineData("worker.deadlineSeconds", "86401")]
    [InlineData("worker.publicUrl", "\"worker.example.com\"")]
    [InlineData("worker.indexUrl", "\"ftp://coordinator\"")]
    [InlineData("worker.archives", "\"off\"")]
    [InlineData("worker.service.port", "0")]
    [InlineData("worker.ingress.host", "\"https://worker.example.com/\"")]
    public void The_schema_refuses_a_wrong_value(string path, string json)
    {
        var values = Values();
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(values, (node, key) => node[key]!);
        parent[parts[^1]] = JsonNode.Parse(json);

        Assert.False(Validate(values).IsValid, $"{path} = {json} was accepted");
    }

    [Fact]
    public void Every_value_a_template_reads_exists_in_values_yaml()
    {
        var values = Values();
        var missing = new List<string>();
        foreach (var file in DeployFiles.AllTemplateFiles())
        {
            var text = File.ReadAllText(file);
            foreach (var path in HelmTemplateText.PathsAfter(".Values", text).Distinct())
                if (!Exists(values, path)) missing.Add($"{Path.GetFileName(file)}: .Values.{path}");
            // $roleValues is one of the roles' blocks (index .Values $role): the path must exist in each.
            foreach (var path in HelmTemplateText.PathsAfter("$roleValues", text).Distinct())
                foreach (var role in Roles)
                    if (!Exists(values, $"{role}.{path}")) missing.Add($"{Path.GetFileName(file)}: $roleValues.{path} (in {role})");
        }

        Assert.Empty(missing);
        Assert.Contains(DeployFiles.AllTemplateFiles(), f => HelmTemplateText.PathsAfter("$roleValues", File.ReadAllText(f)).Any());
    }

    [Fact]
    public void Every_value_is_documented_in_the_chart_readme_and_the_readme_names_no_other()
    {
        var values = Values();
        var readme = DeployFiles.ReadChart("README.md");
        var table = readme[readme.IndexOf("## Values", StringComparison.Ordinal)..];
        var documented = Regex.Matches(table, @"^\| `([^`]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();

        var undocumented = Leaves(values, "").Where(p => !documented.Contains(p)).ToList();
        var stale = documented.Where(p => !Exists(values, p)).ToList();

        Assert.Empty(undocumented);
        Assert.Empty(stale);
        Assert.True(documented.Count > 50, $"only {documented.Count} values documented");
    }

    [Fact]
    public void Every_template_parses_as_yaml_once_its_directives_are_stripped()
    {
        var kinds = new List<string>();
        foreach (var file in DeployFiles.ManifestTemplates())
        {
            var yaml = HelmTemplateText.StripDirectives(File.ReadAllText(file));
            List<JsonNode?> documents;
            try
            {
                documents = YamlJson.LoadAll(yaml);
            }
            catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or InvalidDataException)
            {
                Assert.Fail($"{Path.GetFileName(file)} is not YAML once its directives are stripped: {ex.Message}\n{yaml}");
                throw;
            }
            foreach (var document in documents.OfType<JsonObject>())
            {
                Assert.True(document["apiVersion"] is not null && document["kind"] is not null, $"{Path.GetFileName(file)}: a document without apiVersion and kind");
                kinds.Add((string)document["kind"]!);
            }
        }

        Assert.Equal(["Deployment", "Ingress", "Ingress", "Job", "PersistentVolumeClaim", "PodDisruptionBudget", "Role", "RoleBinding", "Secret", "Secret", "Service", "Service", "ServiceAccount"], kinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_template_closes_each_block_it_opens_and_includes_only_defined_templates()
    {
        var texts = DeployFiles.AllTemplateFiles().ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f));
        var defined = texts.Values.SelectMany(t => Regex.Matches(t, @"\{\{-?\s*define\s+""([^""]+)""").Select(m => m.Groups[1].Value)).ToList();

        foreach (var (file, text) in texts)
        {
            var actions = Regex.Matches(Regex.Replace(text, @"\{\{-?\s*/\*.*?\*/\s*-?\}\}", "", RegexOptions.Singleline), @"\{\{-?\s*(if|range|with|define|block|else|end)\b");
            var depth = 0;
            foreach (Match action in actions)
            {
                depth += action.Groups[1].Value switch { "end" => -1, "else" => 0, _ => 1 };
                Assert.True(depth >= 0, $"{file}: an 'end' at offset {action.Index} closes nothing");
            }
            Assert.True(depth == 0, $"{file}: {depth} block(s) left open");
            foreach (Match include in Regex.Matches(text, @"include\s+""([^""]+)"""))
                Assert.True(defined.Contains(include.Groups[1].Value), $"{file} includes '{include.Groups[1].Value}', which no template defines");
        }
        Assert.Equal(defined.Count, defined.Distinct().Count());
    }

    [Fact]
    public void A_role_deployment_runs_silo_serve_with_kubernetes_hosting_the_downward_api_and_the_probes()
    {
        var deployment = YamlJson.Load(HelmTemplateText.StripDirectives(DeployFiles.ReadChart("templates", "_deployment.tpl")));
        var pod = deployment["spec"]!["template"]!;
        var silo = pod["spec"]!["containers"]!.AsArray().Single(c => (string)c!["name"]! == "silo")!;
        var env = silo["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!);

        Assert.Equal("metadata.name", (string)env["POD_NAME"]["valueFrom"]!["fieldRef"]!["fieldPath"]!);
        Assert.Equal("metadata.namespace", (string)env["POD_NAMESPACE"]["valueFrom"]!["fieldRef"]!["fieldPath"]!);
        Assert.Equal("status.podIP", (string)env["POD_IP"]["valueFrom"]!["fieldRef"]!["fieldPath"]!);
        Assert.Equal("/alive", (string)silo["livenessProbe"]!["httpGet"]!["path"]!);
        Assert.Equal("/health", (string)silo["readinessProbe"]!["httpGet"]!["path"]!);
        Assert.NotNull(pod["metadata"]!["labels"]!["orleans/serviceId"]);
        Assert.NotNull(pod["metadata"]!["labels"]!["orleans/clusterId"]);

        // The args, with the role put in, are a command line the silo accepts, with Kubernetes hosting on.
        var args = silo["args"]!.AsArray().Select(a => (string)a!).Select(a => Regex.IsMatch(a, "^x[0-9]+$") ? "gateway" : a).ToArray();
        Assert.Empty(SiloCommandLineFacts.Errors(args));
        Assert.Contains("--kubernetes", args);
        Assert.All(env.Keys.Where(k => k.StartsWith("L402TRAIN_", StringComparison.Ordinal)), k => Assert.Contains(k, SiloCommandLineFacts.EnvironmentVariables()));

        // The silo reads its secrets from the init container's 0600 copies, never from the Secret volume itself.
        Assert.Equal("/run/l402train/server-secret", (string)env["L402TRAIN_SECRETFILE"]["value"]!);
        Assert.Equal("/run/l402train/admin.macaroon", (string)env["L402TRAIN_LNDMACAROON"]["value"]!);
        var init = pod["spec"]!["initContainers"]!.AsArray().Single()!;
        Assert.Contains("install -m 0600", string.Join(' ', init["command"]!.AsArray().Select(c => (string)c!)), StringComparison.Ordinal);
        Assert.DoesNotContain(silo["volumeMounts"]!.AsArray(), m => (string)m!["name"]! == "secrets-in");
    }

    [Fact]
    public void The_migrations_job_is_a_pre_install_and_pre_upgrade_hook_running_silo_migrate()
    {
        var job = YamlJson.Load(HelmTemplateText.StripDirectives(DeployFiles.ReadChart("templates", "migrations-job.yaml")));

        Assert.Equal("pre-install,pre-upgrade", (string)job["metadata"]!["annotations"]!["helm.sh/hook"]!);
        var container = job["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!;
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToArray();
        Assert.Equal(["migrate"], args);
        Assert.Empty(SiloCommandLineFacts.Errors(args));
    }

    [Fact]
    public void The_role_grants_every_pod_call_orleans_kubernetes_hosting_makes()
    {
        // The verbs follow from the Kubernetes client methods the 10.4.2 assembly calls (names in its metadata).
        var assembly = File.ReadAllBytes(typeof(Orleans.Hosting.KubernetesHostingExtensions).Assembly.Location);
        var calls = new Dictionary<string, string>
        {
            ["ReadNamespacedPod"] = "get", ["ListNamespacedPod"] = "list", ["WatchListNamespacedPod"] = "watch",
            ["PatchNamespacedPod"] = "patch", ["DeleteNamespacedPod"] = "delete", ["ReplaceNamespacedPod"] = "update", ["CreateNamespacedPod"] = "create",
        };
        var needed = calls.Where(c => assembly.AsSpan().IndexOf(Encoding.ASCII.GetBytes(c.Key)) >= 0).Select(c => c.Value).ToHashSet();
        if (needed.Contains("watch")) needed.Add("list");
        var role = YamlJson.Load(HelmTemplateText.StripDirectives(DeployFiles.ReadChart("templates", "role.yaml")));
        var rule = role["rules"]!.AsArray().Single()!;

        Assert.Equal(["pods"], rule["resources"]!.AsArray().Select(r => (string)r!));
        Assert.Superset(needed, rule["verbs"]!.AsArray().Select(v => (string)v!).ToHashSet());
        Assert.Contains("patch", needed);
        Assert.Contains("delete", needed);
    }

    private static IEnumerable<string> Leaves(JsonNode? node, string path)
    {
        if (node is JsonObject map && map.Count > 0 && !FreeFormMaps.Contains(path.Split('.')[^1]))
            return map.SelectMany(p => Leaves(p.Value, path.Length == 0 ? p.Key : $"{path}.{p.Key}"));
        return [path];
    }

    // A path exists when each key is present (its value may be null or empty).
    private static bool Exists(JsonNode values, string path)
    {
        JsonNode? node = values;
        foreach (var key in path.Split('.'))
        {
            if (node is not JsonObject map || !map.TryGetPropertyValue(key, out node)) return false;
        }
        return true;
    }
}
