using L402Train.L402.Challenges;
using L402Train.L402.Gate;
using L402Train.L402.Macaroons;
using L402Train.L402.Tokens;

namespace L402Train.Bench.L402;

/// <summary>Where one full verification's time goes: each stage alone, per CPU-second on one thread.</summary>
internal static class VerifyStages
{
    public static IEnumerable<(string Name, double PerSecond)> Measure(BenchGate bench)
    {
        var duration = TimeSpan.FromSeconds(1);
        var credential = L402Credential.Parse(bench.Authorization).Credential!;
        var macaroon = credential.Macaroons[0];
        var base64 = bench.Authorization["L402 ".Length..bench.Authorization.IndexOf(':')];
        TokenIdentifier.TryDecode(macaroon.Identifier.Span, out var identifier, out _);
        var rootKey = new byte[32];
        bench.Keys.TryDeriveRootKey(identifier!.TokenId, rootKey);

        yield return ("stage_header_parse_per_s", VerifyFigure.PerCpuSecond(() => L402Credential.Parse(bench.Authorization).Credential is not null, duration));
        yield return ("stage_macaroon_base64_decode_per_s", VerifyFigure.PerCpuSecond(() => Macaroon.TryFromBase64(base64, out _, out _), duration));
        yield return ("stage_root_key_per_s", VerifyFigure.PerCpuSecond(() => bench.Keys.TryDeriveRootKey(identifier.TokenId, rootKey), duration));
        yield return ("stage_signature_chain_per_s", VerifyFigure.PerCpuSecond(() => macaroon.VerifySignature(rootKey), duration));
        yield return ("stage_verify_parsed_per_s", VerifyFigure.PerCpuSecond(
            () => bench.Gate.VerifyAsync(credential, bench.Request).AsTask().GetAwaiter().GetResult().Outcome == L402Outcome.Accepted, duration));
    }
}
