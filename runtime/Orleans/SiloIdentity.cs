namespace L402Train.Runtime;

/// <summary>Who this silo is to operators: its id (also its Orleans silo name and the prefix of its job workers' ids) and the roles it plays.</summary>
/// <param name="Id">The silo id.</param>
/// <param name="Roles">Its roles (gateway, validator, settler...).</param>
public sealed record SiloIdentity(string Id, IReadOnlySet<string> Roles);
