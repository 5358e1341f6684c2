using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using L402Train.Silo.Hosting;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>
/// The chart's <c>tracks</c> value (<c>--tracks</c> / <c>L402TRAIN_TRACKS</c> of the silo), checked as
/// <see cref="HelmChartTests"/> checks the chart (no Helm here): a schema-checked, non-empty list of known
/// tracks that every role's silo container gets, in a form the silo loads.
/// </summary>
public sealed partial class HelmTracksTests
{
    private static JsonNode Values() => YamlJson.Load(DeployFiles.ReadChart("values.yaml"));

    private static bool Valid(JsonNode values) =>
        JsonSchema.FromText(DeployFiles.ReadChart("values.schema.json")).Evaluate(JsonSerializer.SerializeToElement(values)).IsValid;

    // What `join "," .Values.tracks` renders.
    private static string Joined(JsonNode tracks) => string.Join(',', tracks.AsArray().Select(t => (string)t!));

    [Fact]
    public void Tracks_default_to_training_and_bounties_and_a_bounty_only_list_is_valid()
    {
        var values = Values();

        Assert.Equal(["training", "bounties"], values["tracks"]!.AsArray().Select(t => (string)t!));
        values["tracks"] = new JsonArray("bounties");
        Assert.True(Valid(values), "tracks: [bounties] was refused");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[\"inference\"]")]
    [InlineData("[\"bounties\", \"bounties\"]")]
    [InlineData("\"training,bounties\"")]
    public void The_schema_refuses_tracks_that_are_empty_unknown_repeated_or_not_a_list(string json)
    {
        var values = Values();
        values["tracks"] = JsonNode.Parse(json);

        Assert.False(Valid(values), $"tracks = {json} was accepted");
    }

    [Fact]
    public void Every_role_passes_the_tracks_to_its_silo_container_once()
    {
        var template = DeployFiles.ReadChart("templates", "_deployment.tpl");
        var pod = YamlJson.Load(HelmTemplateText.StripDirectives(template))["spec"]!["template"]!;
        var silo = pod["spec"]!["containers"]!.AsArray().Single(c => (string)c!["name"]! == "silo")!;

        Assert.Single(silo["env"]!.AsArray(), e => (string)e!["name"]! == "L402TRAIN_TRACKS");
        Assert.Contains("L402TRAIN_TRACKS", SiloCommandLineFacts.EnvironmentVariables());
        Assert.Contains("- name: L402TRAIN_TRACKS\n              value: {{ join \",\" $root.Values.tracks | quote }}", template, StringComparison.Ordinal);
        // Outside any role's block: the silos of one cluster run the same tracks.
        Assert.DoesNotMatch(RoleBlockWithTracks(), template);
    }

    [Theory]
    [InlineData("[\"training\", \"bounties\"]", true, true)]
    [InlineData("[\"bounties\"]", false, true)]
    [InlineData("[\"training\"]", true, false)]
    public void The_rendered_tracks_load_as_the_silos_tracks(string json, bool training, bool bounties)
    {
        var environment = new Dictionary<string, string?> { ["L402TRAIN_TRACKS"] = Joined(JsonNode.Parse(json)!) };

        var settings = SiloSettings.Load(new Dictionary<string, string?>(), environment, Path.GetTempPath());

        Assert.Equal(training, settings.RunsTraining);
        Assert.Equal(bounties, settings.RunsBounties);
    }

    [GeneratedRegex(@"\{\{- if eq \$role ""\w+"" \}\}(?:(?!\{\{- end \}\}).)*L402TRAIN_TRACKS", RegexOptions.Singleline)]
    private static partial Regex RoleBlockWithTracks();
}
