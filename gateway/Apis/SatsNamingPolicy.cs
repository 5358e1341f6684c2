using System.Text.Json;
using System.Text.RegularExpressions;

namespace L402Train.Gateway.Apis;

/// <summary>
/// snake_case with the protocol's one convention for amounts: a name's <c>sat</c> word becomes <c>sats</c>
/// (<c>DepositSat</c> → <c>deposit_sats</c>, <c>RateSatPerUnit</c> → <c>rate_sats_per_unit</c>). The protocol's
/// records name their fields explicitly; this covers what the API serves from other types (the reward schedule,
/// the demo's report), so no response mixes <c>_sat</c> and <c>_sats</c>.
/// </summary>
internal sealed partial class SatsNamingPolicy : JsonNamingPolicy
{
    /// <summary>The policy.</summary>
    public static SatsNamingPolicy Instance { get; } = new();

    /// <inheritdoc/>
    public override string ConvertName(string name) => SatWord().Replace(SnakeCaseLower.ConvertName(name), "${1}sats");

    [GeneratedRegex("(^|_)sat(?=_|$)")]
    private static partial Regex SatWord();
}
