namespace L402Train.Compression;

/// <summary>One peer's decoded submission and the stable key that orders it in aggregation.</summary>
/// <param name="PeerKey">Stable, unique peer key (e.g. peer id); peers are reduced in ordinal order of it.</param>
/// <param name="Submission">The peer's sparse update.</param>
public sealed record PeerSubmission(string PeerKey, SparseSubmission Submission);
