namespace L402Train.Gateway.Board;

/// <summary>Who answers: the build, the silo and its store, as the board's headline shows them.</summary>
/// <param name="Version">The build's version.</param>
/// <param name="SiloId">The silo that rendered the page.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Store">memory, sqlite or postgres.</param>
internal sealed record CoordinatorIdentity(string Version, string SiloId, IReadOnlyList<string> Roles, string Store);
