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
/// today's records and write back with every stored field unchanged, except the submissions'
/// flat money fields, which now load into <see cref="SubmissionMoney"/> with the same meaning.
/// <c>Stored/main-5475a21.jsonl</c> holds submission rows main wrote just before that record, one
/// per money case (owed, paying, paid, forfeited, expired, the holdback held, released, paying,
/// paid and forfeited), from PostgreSQL runs of the deposit and holdback flow tests.
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

    // The submissions' flat money fields, now folded into their Money record on read and written only there.
    private static readonly Dictionary<Type, string[]> FoldedMoney = new()
    {
        [typeof(SubmissionState)] = ["deposit", "depositResolvedAt", "depositExpired", "rewardSat", "reward", "claimPaymentHash", "claimFailure", "rewardPaidAt"],
        [typeof(BountySubmissionState)] =
        [
            "deposit", "depositResolvedAt", "rewardSat", "feeSat", "reward", "claimPaymentHash", "claimFailure", "rewardPaidAt",
            "holdbackSat", "holdback", "holdbackDueAt", "holdbackPaymentHash", "holdbackDetail", "holdbackResolvedAt", "holdbackClaimFailure",
        ],
    };

    private static IEnumerable<(string Key, JsonObject Json)> Samples() => Read("main-e37aab2.jsonl").Select(row => (row.Key, row.Json));

    private static IEnumerable<(string Key, string Case, JsonObject Json)> Read(string file) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Runtime", "Stored", file))
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Select(row => ($"{row["kind"]}:{row["name"]}", (string?)row["case"] ?? "", row["json"]!.AsObject()));

    // Every submission row either main wrote with flat money fields: before the money types, and just before SubmissionMoney.
    public static TheoryData<string, string, int> FlatMoneyRows()
    {
        var rows = new TheoryData<string, string, int>();
        foreach (var file in new[] { "main-e37aab2.jsonl", "main-5475a21.jsonl" })
        {
            var index = 0;
            foreach (var (key, name, _) in Read(file))
            {
                if (FoldedMoney.ContainsKey(Types[key])) rows.Add(file, name == "" ? key : name, index);
                index++;
            }
        }
        return rows;
    }

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
        foreach (var name in FoldedMoney.GetValueOrDefault(Types[key]) ?? []) stored.Remove(name); // see Flat_money_fields_load_into_the_money_record_with_the_same_meaning

        var differences = Differences(stored, written, "$").ToList();
        Assert.Empty(differences);
    }

    [Theory]
    [MemberData(nameof(FlatMoneyRows))]
    public void Flat_money_fields_load_into_the_money_record_with_the_same_meaning(string file, string name, int row)
    {
        var (key, _, stored) = Read(file).ElementAt(row);
        var type = Types[key];
        var value = JsonSerializer.Deserialize(stored.ToJsonString(), type, GrainJson.Options)!;

        // Each flat field main wrote reads back, through the state's view of its Money, as the same value.
        foreach (var field in FoldedMoney[type])
        {
            Assert.True(stored.ContainsKey(field), $"{name}: main wrote {field}");
            var view = type.GetProperty(field, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)!;
            var now = JsonSerializer.SerializeToNode(view.GetValue(value), view.PropertyType, GrainJson.Options);
            Assert.True(SameValue(stored[field], now), $"{name}: {field} was {stored[field]?.ToJsonString() ?? "null"}, reads as {now?.ToJsonString() ?? "null"}");
        }

        // Written back, the money is one record and none of the flat fields; that row reads back to the same state and writes identically.
        var written = JsonNode.Parse(JsonSerializer.Serialize(value, type, GrainJson.Options))!.AsObject();
        Assert.DoesNotContain(FoldedMoney[type], written.ContainsKey);
        Assert.True(written["money"] is JsonObject, $"{name}: no money record in {written.ToJsonString()}");
        var again = JsonSerializer.Deserialize(written.ToJsonString(), type, GrainJson.Options)!;
        var money = type.GetProperty("Money")!;
        Assert.Equal(money.GetValue(value), money.GetValue(again));
        Assert.True(JsonNode.DeepEquals(written, JsonNode.Parse(JsonSerializer.Serialize(again, type, GrainJson.Options))), $"{name}: the new row does not round-trip");
    }

    [Fact]
    public void Rows_from_main_before_the_money_record_cover_every_claim_case_of_both_kinds()
    {
        var rows = Read("main-5475a21.jsonl").ToList();
        var training = rows.Where(r => r.Key == "state:submission/submission")
            .Select(r => JsonSerializer.Deserialize<SubmissionState>(r.Json.ToJsonString(), GrainJson.Options)!).ToList();
        var bounty = rows.Where(r => r.Key == "state:bounty-submission/submission")
            .Select(r => JsonSerializer.Deserialize<BountySubmissionState>(r.Json.ToJsonString(), GrainJson.Options)!).ToList();

        Assert.Equal([RewardStatus.None, RewardStatus.Owed, RewardStatus.Paying, RewardStatus.Paid], training.Select(s => s.Money.Reward.Status).Distinct().Order());
        Assert.Equal([RewardStatus.None, RewardStatus.Owed, RewardStatus.Paying, RewardStatus.Paid], bounty.Select(s => s.Money.Reward.Status).Distinct().Order());
        Assert.Equal(Enum.GetValues<HoldbackStatus>().Order(), bounty.Select(s => s.Holdback).Distinct().Order());
        Assert.Equal([DepositStatus.Refunding, DepositStatus.Forfeiting, DepositStatus.Refunded, DepositStatus.Forfeited], training.Select(s => s.Deposit).Concat(bounty.Select(s => s.Deposit)).Distinct().Order());
        Assert.Contains(training, s => s.Money.Deposit.Expired);
    }

    [Fact]
    public void A_stored_bounty_row_paying_its_holdback_decides_claims_as_before()
    {
        var stored = Read("main-5475a21.jsonl").Single(r => r.Case == "paid, holdback paying").Json;
        var state = JsonSerializer.Deserialize<BountySubmissionState>(stored.ToJsonString(), GrainJson.Options)!;
        var holdbackInvoice = PaymentHash.FromHex((string)stored["holdbackPaymentHash"]!);
        var firstInvoice = PaymentHash.FromHex((string)stored["claimPaymentHash"]!);
        var other = PaymentHash.FromHex(new string('a', 64));

        Assert.Equal(new Sats((long)stored["holdbackSat"]!), state.ClaimableSat);
        Assert.Equal(ClaimOutcome.AlreadyClaimed, state.Money.Claim(holdbackInvoice, state.HoldbackSat).Outcome);
        Assert.Equal(ClaimOutcome.AlreadyClaimed, state.Money.Claim(firstInvoice, state.FirstClaimSat).Outcome);
        Assert.Equal(ClaimOutcome.OtherClaimInFlight, state.Money.Claim(other, state.HoldbackSat).Outcome);
        Assert.Equal(ClaimPart.Holdback, state.Money.PartPaidBy(holdbackInvoice));
        Assert.Equal(HoldbackStatus.Paid, (state with { Money = state.Money.Paid(holdbackInvoice, DateTimeOffset.UnixEpoch) }).Holdback);
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
