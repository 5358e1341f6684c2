using System.Text.Json.Nodes;
using L402Train.PeerAgent.Research;

namespace L402Train.Silo.Tests.Research;

public sealed class ResearchExperimentTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("l402-research-exp-");

    public void Dispose() => work.Delete(recursive: true);

    [Fact]
    public void No_experiment_is_the_trainer_with_its_defaults_and_config_overrides_merge_over_a_json_file()
    {
        var none = ResearchExperiment.Load(null, null, null);
        Assert.Equal((false, 0, "trainer"), (none.IsArchive, none.Config.Count, none.Identity));
        Assert.Null(none.Request(none.Config).Trainer!.Steps);

        var file = Path.Combine(work.FullName, "exp.json");
        File.WriteAllText(file, """{"steps": 80, "learning_rate": 0.002}""");
        var merged = ResearchExperiment.Load(file, """{"learning_rate": 0.004}""", null);
        var trainer = merged.Request(merged.Config).Trainer!;
        Assert.Equal((80, 0.004), (trainer.Steps, trainer.LearningRate));
    }

    [Fact]
    public void A_misspelt_trainer_field_is_refused_by_name_instead_of_running_the_default()
    {
        var experiment = ResearchExperiment.Load(null, """{"learnin_rate": 0.01}""", null);
        var e = Assert.Throws<ArgumentException>(() => experiment.Request(experiment.Config));
        Assert.StartsWith("'learnin_rate' is not a trainer setting", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_packs_to_the_same_archive_every_time_and_needs_a_command()
    {
        var folder = Directory.CreateDirectory(Path.Combine(work.FullName, "exp"));
        File.WriteAllText(Path.Combine(folder.FullName, "train.py"), "print('{\"val_bpb\": 1.0}')\n");
        Directory.CreateDirectory(Path.Combine(folder.FullName, "data"));
        File.WriteAllText(Path.Combine(folder.FullName, "data", "x.txt"), "abc");

        Assert.Contains("--command is required", Assert.Throws<ArgumentException>(() => ResearchExperiment.Load(folder.FullName, null, null)).Message, StringComparison.Ordinal);
        var first = ResearchExperiment.Load(folder.FullName, """{"lr": 0.1}""", "python3 train.py");
        File.SetLastWriteTimeUtc(Path.Combine(folder.FullName, "train.py"), DateTime.UnixEpoch.AddDays(3));
        var second = ResearchExperiment.Load(folder.FullName, null, "python3 train.py");

        Assert.Equal(first.Archive, second.Archive);
        Assert.Equal(first.ArchiveHash, second.ArchiveHash);
        var request = first.Request(first.Config);
        Assert.Equal(("python3 train.py", 0.1), (request.Command, request.Config!["lr"].GetDouble()));
        Assert.Equal(first.Archive, Convert.FromBase64String(request.Archive!));
        Assert.Equal(new JsonObject { ["lr"] = 0.1 }.ToJsonString(), first.Config.ToJsonString());
    }
}
