using System.Text.Json;
using System.Text.Json.Nodes;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Grains.Payments;
using L402Train.Grains.Training;
using L402Train.Grains.Workers;
using L402Train.Lightning;
using L402Train.Runtime;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>
/// Grain state and job payloads are stored as JSON (<see cref="GrainJson.Options"/>). The samples
/// in <c>Stored/main-e37aab2.jsonl</c> are rows main wrote before amounts and hashes became
/// <see cref="Sats"/> and <see cref="PaymentHash"/>: state and jobs from PostgreSQL runs of the
/// bounty and training flow tests, the worker's from main's assemblies. Each must load into
/// today's records and write back with every stored field unchanged.
/// </summary>
public sealed class StoredStateCompatibilityTests
{
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["state:bounty/bounty"] = typeof(BountyState),
        ["state:bounty-submission/submission"] = typeof(BountySubmissionState),
        ["state:invoice/invoice"] = typeof(InvoiceRecord),
        ["state:ledger/ledger"] = typeof(LedgerState),
        ["state:submission/submission"] = typeof(SubmissionState),
        ["state:peer/peer"] = typeof(PeerState),
        ["state:round/round"] = typeof(RoundState),
        ["state:hold-token/token"] = typeof(HoldTokenState),
        ["state:experiment/experiment"] = typeof(ExperimentState),
        ["state:worker-stats/stats"] = typeof(WorkerStats),
        ["job:deposit.settle"] = typeof(DepositJob),
        ["job:deposit.cancel"] = typeof(DepositJob),
        ["job:reward.pay"] = typeof(RewardJob),
        ["job:deposit.unfiled"] = typeof(UnfiledDepositJob),
        ["job:experiment.run"] = typeof(ExperimentRunJob),
    };

    // Money views main wrote next to the data and never read; now computed only (a view of a
    // corrupt pool would throw as Sats rather than be written).
    private static readonly HashSet<string> Views = new(StringComparer.Ordinal) { "remainingSat", "payoutSat", "firstClaimSat", "claimableSat" };

    private static IEnumerable<(string Key, JsonObject Json)> Samples() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Runtime", "Stored", "main-e37aab2.jsonl"))
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Select(row => ($"{row["kind"]}:{row["name"]}", row["json"]!.AsObject()));

    public static TheoryData<string, int> Rows()
    {
        var rows = new TheoryData<string, int>();
        var index = 0;
        foreach (var (key, _) in Samples()) rows.Add(key, index++);
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Json_written_before_the_money_types_loads_and_writes_back_unchanged(string key, int row)
    {
        var stored = Samples().ElementAt(row).Json;
        var value = JsonSerializer.Deserialize(stored.ToJsonString(), Types[key], GrainJson.Options)!;
        var written = JsonNode.Parse(JsonSerializer.Serialize(value, Types[key], GrainJson.Options))!.AsObject();

        var differences = Differences(stored, written, "$").ToList();
        Assert.Empty(differences);
    }

    [Fact]
    public void Every_stored_kind_is_covered_and_names_a_type()
    {
        Assert.Equal(Types.Keys.Order(StringComparer.Ordinal), Samples().Select(s => s.Key).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Stored_amounts_and_hashes_arrive_typed()
    {
        var samples = Samples().ToLookup(s => s.Key, s => s.Json.ToJsonString());
        var bounty = JsonSerializer.Deserialize<BountySubmissionState>(samples["state:bounty-submission/submission"].First(), GrainJson.Options)!;
        var stored = JsonNode.Parse(samples["state:bounty-submission/submission"].First())!;
        Assert.Equal(PaymentHash.FromHex((string)stored["claimPaymentHash"]!), bounty.ClaimPaymentHash);
        Assert.Equal(PaymentHash.FromHex((string)stored["holdbackPaymentHash"]!), bounty.HoldbackPaymentHash);
        Assert.Equal(new Sats((long)stored["rewardSat"]!), bounty.RewardSat);
        Assert.Equal(PaymentHash.FromHex((string)stored["received"]!["paymentHash"]!), bounty.Received!.PaymentHash);

        var reward = JsonSerializer.Deserialize<RewardJob>(samples["job:reward.pay"].First(), GrainJson.Options)!;
        var job = JsonNode.Parse(samples["job:reward.pay"].First())!;
        Assert.Equal(new Sats((long)job["amountSat"]!), reward.AmountSat);
        Assert.Equal(new Sats((long)job["maxFeeSat"]!), reward.MaxFeeSat);
        Assert.Equal((string)job["paymentHash"]!, reward.PaymentHash.ToHex());

        var ledgers = samples["state:ledger/ledger"].Select(j => JsonSerializer.Deserialize<LedgerState>(j, GrainJson.Options)!).ToList();
        Assert.Contains(ledgers.SelectMany(l => l.Entries), e => e.Key.StartsWith("fee:", StringComparison.Ordinal) && e.KeptSat > Sats.Zero);
    }

    private static IEnumerable<string> Differences(JsonNode? stored, JsonNode? written, string path)
    {
        if (stored is JsonObject storedObject)
        {
            if (written is not JsonObject writtenObject)
            {
                yield return $"{path}: was an object, is {written?.ToJsonString() ?? "missing"}";
                yield break;
            }
            foreach (var (name, value) in storedObject)
            {
                if (Views.Contains(name)) continue;
                if (!writtenObject.TryGetPropertyValue(name, out var now))
                {
                    yield return $"{path}.{name}: {value?.ToJsonString()} is no longer written";
                    continue;
                }
                foreach (var d in Differences(value, now, $"{path}.{name}")) yield return d;
            }
        }
        else if (stored is JsonArray storedArray && written is JsonArray writtenArray && storedArray.Count == writtenArray.Count)
        {
            for (var i = 0; i < storedArray.Count; i++)
                foreach (var d in Differences(storedArray[i], writtenArray[i], $"{path}[{i}]")) yield return d;
        }
        else if (!SameValue(stored, written))
        {
            yield return $"{path}: {stored?.ToJsonString()} became {written?.ToJsonString()}";
        }
    }

    // PostgreSQL's jsonb may print a double differently from .NET; the value is what matters.
    private static bool SameValue(JsonNode? a, JsonNode? b) =>
        JsonNode.DeepEquals(a, b)
        || (a is JsonValue x && b is JsonValue y && x.GetValueKind() == JsonValueKind.Number && y.GetValueKind() == JsonValueKind.Number
            && x.GetValue<double>() == y.GetValue<double>());
}
