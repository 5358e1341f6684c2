using System.Text.Json;
using L402Train.Gateway.Apis;
using L402Train.Gateway.Training;
using L402Train.Grains.Training;
using Xunit;

namespace L402Train.Training.Tests.Http;

/// <summary>The round's τ as <c>GET /status</c> shows it: the one its first validation stored, or null before.</summary>
public class TrainingStatusViewTests
{
    private static readonly TrainingRunState Run = new() { Started = true, CurrentRound = 4 };

    [Fact]
    public void Status_shows_the_rounds_tau_once_its_baseline_is_measured()
    {
        var round = new RoundState { Number = 4, Threshold = new RoundThreshold(0.0012, -0.0001, 0.000325, [0.0002, -0.0004]) };

        var view = TrainingViews.Status(Run, round, new TrainingSetup(), new RewardSchedule());
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(view, HttpJson.Options));

        Assert.Equal(0.0012, json.RootElement.GetProperty("round_tau").GetDouble());
    }

    [Fact]
    public void Status_shows_no_tau_before_the_first_validation()
    {
        var view = TrainingViews.Status(Run, new RoundState { Number = 4 }, new TrainingSetup(), new RewardSchedule());
        Assert.Null(view.RoundTau);
    }
}
