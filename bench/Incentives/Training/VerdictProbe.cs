using L402Train.Lightning;
using System.Globalization;
using L402Train.Compression;
using L402Train.Grains.Training;
using L402Train.Model.Gpt;

namespace L402Train.Bench.Incentives.Training;

/// <summary>
/// The validator alone (no grains, no money) on one round of honest updates and every adversary:
/// what each gets, and how far apart honest updates are (their top-k overlap). A quick look
/// before the full simulation.
/// </summary>
internal static class VerdictProbe
{
    public static void Run(int honestCount, int innerSteps, int batchSize, Action<string> print)
    {
        var setup = new TrainingSetup { CorpusStories = 200 };
        var schedule = new RewardSchedule();
        var validator = new SubmissionValidator(setup, schedule);
        var heldOut = new HeldOutSet(secretSeed: 7, setup, schedule, stories: 100);
        var weights = GptModel.Create(setup.Config, setup.InitSeed, threads: 1).Parameters;
        using var honest = new HonestUpdates(setup, setup.TrainingTokens(), innerSteps, batchSize);
        var model = GptModel.FromParameters(setup.Config, weights.Clone(), threads: 1);
        var batches = heldOut.ForRound(1);
        var before = SubmissionValidator.Losses(model, batches);
        var random = new Random(5);

        var filed = new List<(string Id, DecodedPayload Payload)>();
        string Judge(string name, SparseSubmission update)
        {
            var bytes = update.ToBytes(WireVersion.V2, PayloadMetadata.Create(0, name));
            var arrival = new NewSubmission(name, 1, 0, "blob", "hash", bytes.Length, new PaymentHash(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))), "token", new Sats(schedule.DepositSat));
            var verdict = validator.Screen(arrival, new RoundAdmission(filed.Count + 1, true, 0, null, []), bytes, filed, out var decoded)
                ?? validator.Score(model, weights, decoded!, batches, before);
            var mine = decoded ?? validator.TryDecode(bytes, out _)!;
            var similarity = filed.Count == 0 ? 0 : filed.Max(f => mine.Submission.ValueSimilarity(f.Payload.Submission));
            var overlap = filed.Count == 0 ? 0 : filed.Max(f => mine.Submission.IndexOverlap(f.Payload.Submission));
            filed.Add((name, mine));
            return string.Create(CultureInfo.InvariantCulture, $"max_similarity={similarity:0.000} max_overlap={overlap:0.000} {verdict.Reason} score={verdict.Score:0.00000} quality={verdict.Quality:0.000} {(verdict.Reason == VerdictReason.Malformed ? verdict.Detail : "")}");
        }

        var updates = Enumerable.Range(1, honestCount).Select(i => honest.Train(weights, (ulong)i, 1)).ToList();
        var overlaps = new List<double>();
        for (var i = 0; i < updates.Count; i++)
            for (var j = 0; j < i; j++) overlaps.Add(updates[i].IndexOverlap(updates[j]));
        print(string.Create(CultureInfo.InvariantCulture, $"honest_overlap_mean={overlaps.Average():0.000} honest_overlap_max={overlaps.Max():0.000}"));
        var similarities = new List<double>();
        for (var i = 0; i < updates.Count; i++)
            for (var j = 0; j < i; j++) similarities.Add(updates[i].ValueSimilarity(updates[j]));
        print(string.Create(CultureInfo.InvariantCulture, $"honest_similarity_mean={similarities.Average():0.000} honest_similarity_max={similarities.Max():0.000}"));
        for (var i = 0; i < updates.Count; i++) print($"honest{i} {Judge($"honest{i}", updates[i])}");
        print($"zeros {Judge("zeros", AdversarialUpdates.Zeros(updates[0]))}");
        for (var i = 0; i < 4; i++) print($"noise{i} {Judge($"noise{i}", AdversarialUpdates.Noise(updates[i], random))}");
        for (var i = 0; i < 4; i++) print($"copycat{i} {Judge($"copycat{i}", AdversarialUpdates.PerturbedCopy(updates[i], random))}");
        for (var m = 0; m < 3; m++) print($"ring{m} {Judge($"ring{m}", AdversarialUpdates.Slice(updates[1], m, 3, random))}");
        var own = honest.Train(weights, 999, 1);
        for (var m = 0; m < 3; m++) print($"split{m} {Judge($"split{m}", AdversarialUpdates.Slice(own, m, 3, random))}");
        print($"duplicate {Judge("duplicate", AdversarialUpdates.NoisyDuplicate(updates[2], random))}");
        print($"poisoner {Judge("poisoner", AdversarialUpdates.Negated(honest.Train(weights, 77, 1)))}");
    }
}
