using System.Text.Json.Nodes;
using L402Train.PeerAgent.Research;

namespace L402Train.Silo.Tests.Research;

public sealed class HillClimbTests
{
    private static JsonObject Config() => new() { ["seed"] = 0, ["layers"] = 1, ["steps"] = 40, ["learning_rate"] = 0.003, ["heads"] = 2, ["weight_decay"] = 0.1 };

    [Fact]
    public void Moves_the_preferred_fields_first_and_never_the_seed_or_the_heads()
    {
        Assert.Equal(["learning_rate", "steps", "layers", "weight_decay"], HillClimb.Parameters(Config()));
    }

    [Fact]
    public void Multiplies_a_real_field_by_one_and_a_half_and_an_integer_field_by_two()
    {
        var up = HillClimb.Propose(Config(), new ClimbPosition(0, 1), _ => false)!;
        Assert.Equal(("learning_rate x1.5", 0.0045), (up.Move, (double)up.Config["learning_rate"]!));
        var down = HillClimb.Propose(Config(), new ClimbPosition(1, -1), _ => false)!;
        Assert.Equal(("steps /2", 20L), (down.Move, (long)down.Config["steps"]!));
        Assert.Equal(0.003, (double)down.Config["learning_rate"]!);
    }

    [Fact]
    public void Keeps_a_move_that_improved_flips_one_that_did_not_then_goes_to_the_next_field()
    {
        Assert.Equal(new ClimbPosition(1, 1), HillClimb.Next(new ClimbPosition(1, 1), improved: true, 4));
        Assert.Equal(new ClimbPosition(1, -1), HillClimb.Next(new ClimbPosition(1, 1), improved: false, 4));
        Assert.Equal(new ClimbPosition(2, 1), HillClimb.Next(new ClimbPosition(1, -1), improved: false, 4));
        Assert.Equal(new ClimbPosition(0, 1), HillClimb.Next(new ClimbPosition(3, -1), improved: false, 4));
    }

    [Fact]
    public void Skips_moves_that_change_nothing_or_were_tried_and_stops_at_a_local_optimum()
    {
        var config = new JsonObject { ["layers"] = 1 };
        // layers 1 halves to 0, below the floor of 1: only doubling is a move.
        var up = HillClimb.Propose(config, new ClimbPosition(0, -1), _ => false)!;
        Assert.Equal("layers x2", up.Move);
        Assert.Null(HillClimb.Propose(config, new ClimbPosition(), c => (long)c["layers"]! == 2));
        Assert.Null(HillClimb.Propose(new JsonObject { ["seed"] = 3 }, new ClimbPosition(), _ => false));
    }

    [Fact]
    public void Climbing_a_bowl_only_ever_lowers_the_best_and_reaches_its_floor()
    {
        static double Loss(JsonObject c) => Math.Pow(Math.Log((double)c["learning_rate"]! / 0.012), 2) + Math.Pow(Math.Log2((long)c["steps"]! / 160.0), 2);
        var best = new JsonObject { ["learning_rate"] = 0.003, ["steps"] = 40L };
        var bestLoss = Loss(best);
        var at = new ClimbPosition();
        var tried = new HashSet<string>(StringComparer.Ordinal) { ConfigKey.Of(best) };
        var trace = new List<double> { bestLoss };
        for (var round = 0; round < 40; round++)
        {
            if (HillClimb.Propose(best, at, c => tried.Contains(ConfigKey.Of(c))) is not { } proposal) break;
            tried.Add(ConfigKey.Of(proposal.Config));
            var loss = Loss(proposal.Config);
            var improved = loss < bestLoss;
            at = HillClimb.Next(proposal.At, improved, HillClimb.Parameters(best).Count);
            if (improved) (best, bestLoss) = (proposal.Config, loss);
            trace.Add(bestLoss);
        }
        Assert.Equal(trace.Order().Reverse(), trace);
        Assert.Equal(160L, (long)best["steps"]!);
        Assert.InRange((double)best["learning_rate"]!, 0.008, 0.016);
        // At the floor every neighbour has run: the climb proposes nothing more.
        Assert.Null(HillClimb.Propose(best, at, c => tried.Contains(ConfigKey.Of(c))));
    }
}
